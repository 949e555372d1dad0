"""Read models of the payout page: the needs that may be paid out, the latest payouts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core.audit_words import who_label
from core.db import db
from core.listing import Listing, Pager, PageRequest, page_of
from core.users import User
from donations.disbursements.models import Disbursement, DisbursementStatus
from donations.ledger.models import AccountKind
from donations.ledger.reports import fund_balances_before
from donations.ledger.services import need_balances_fen
from donations.projects.models import ListingStatus, NeedListing

RECENT_PAYOUTS = 100


@dataclass(frozen=True)
class FundedNeed:
    listing: NeedListing
    balance_fen: int  # what the need still holds, not yet paid out


@dataclass(frozen=True)
class Held:
    """What the need held before a payout, and after it (for a payout still awaiting
    approval: what it holds now, and would hold once approved)."""

    before_fen: int
    after_fen: int
    booked: bool  # the ledger's figures, as the approval booked them


@dataclass(frozen=True)
class PayoutPage:
    funded: list[FundedNeed]
    payouts: list[Disbursement]
    names: dict[int, str]  # display names of those who proposed and decided
    held: dict[int, Held]  # by payout id; none for a rejected payout
    # The pager of the payouts, when a page of them was asked for.
    listing: Listing[Disbursement] | None = None


def _held(payouts: list[Disbursement]) -> dict[int, Held]:
    approved = [p for p in payouts if p.status == DisbursementStatus.APPROVED]
    proposed = [p for p in payouts if p.status == DisbursementStatus.PROPOSED]
    before = fund_balances_before(
        [f"disbursement:{p.id}" for p in approved], AccountKind.NEED.value
    )
    now = need_balances_fen(sorted({p.listing_id for p in proposed}))
    held = {
        p.id: Held(before[key], before[key] - p.amount_fen, True)
        for p in approved
        if (key := f"disbursement:{p.id}") in before
    }
    for p in proposed:
        held[p.id] = Held(now[p.listing_id], now[p.listing_id] - p.amount_fen, False)
    return held


def _names(payouts: list[Disbursement]) -> dict[int, str]:
    ids = {p.proposed_by_id for p in payouts} | {
        p.approved_by_id for p in payouts if p.approved_by_id is not None
    }
    if not ids:
        return {}
    return {
        user_id: who_label(username, user_id, name)
        for user_id, username, name in db.session.execute(
            select(User.id, User.username, User.display_name).where(User.id.in_(ids))
        )
    }


def payout_page(
    recent: int = RECENT_PAYOUTS,
    *,
    awaiting_for: User | None = None,
    paging: PageRequest | None = None,
) -> PayoutPage:
    """Funded needs with what each holds, and the latest payouts with who proposed and
    decided and the need's balance before and after; six queries. With `awaiting_for`,
    only the payouts waiting for that user's approval (proposed by someone else)."""
    payouts_q = select(Disbursement)
    if awaiting_for is not None:
        payouts_q = payouts_q.where(
            Disbursement.status == DisbursementStatus.PROPOSED,
            Disbursement.proposed_by_id != awaiting_for.id,
        )
    listings = list(
        db.session.scalars(
            select(NeedListing)
            .options(joinedload(NeedListing.need))
            .where(NeedListing.status == ListingStatus.FUNDED)
            .order_by(NeedListing.listed_at)
        )
    )
    balances = need_balances_fen([listing.id for listing in listings])
    loaded = joinedload(Disbursement.listing).joinedload(NeedListing.need)
    listing: Listing[Disbursement] | None = None
    if paging is not None:
        pager = Pager("payouts", [Disbursement.id], [int], paging)
        listing = page_of(payouts_q, pager, lambda payout: (payout.id,), loaded)
        payouts = listing.items
    else:
        newest = payouts_q.options(loaded).order_by(Disbursement.id.desc()).limit(recent)
        payouts = list(db.session.scalars(newest))
    return PayoutPage(
        [FundedNeed(item, balances[item.id]) for item in listings],
        payouts,
        _names(payouts),
        _held(payouts),
        listing,
    )
