"""Read models of the payout page: the needs that may be paid out, the latest payouts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core.db import db
from donations.disbursements.models import Disbursement
from donations.ledger.services import need_balances_fen
from donations.projects.models import ListingStatus, NeedListing

RECENT_PAYOUTS = 100


@dataclass(frozen=True)
class FundedNeed:
    listing: NeedListing
    balance_fen: int  # what the need still holds, not yet paid out


@dataclass(frozen=True)
class PayoutPage:
    funded: list[FundedNeed]
    payouts: list[Disbursement]


def payout_page(recent: int = RECENT_PAYOUTS) -> PayoutPage:
    """Funded needs with what each holds, and the latest payouts, in three queries."""
    listings = list(
        db.session.scalars(
            select(NeedListing)
            .options(joinedload(NeedListing.need))
            .where(NeedListing.status == ListingStatus.FUNDED)
            .order_by(NeedListing.listed_at)
        )
    )
    balances = need_balances_fen([listing.id for listing in listings])
    payouts = list(
        db.session.scalars(
            select(Disbursement)
            .options(joinedload(Disbursement.listing).joinedload(NeedListing.need))
            .order_by(Disbursement.id.desc())
            .limit(recent)
        )
    )
    return PayoutPage([FundedNeed(item, balances[item.id]) for item in listings], payouts)
