"""The money lines of a need's history (core.needs.history): the gifts designated to it, the
refunds of those gifts, the allocations from pools that funded it, and its payouts with
who proposed and who approved them. Donors are never named on a staff page about a
person; payees are not repeated there either.

Registered in the wing's `init_app` (core.wings `need_history`); five queries at most.
"""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import String, cast, literal, select

from core.audit_words import who_label
from core.db import db
from core.money import format_fen
from core.needs.history import HistoryEntry
from core.users import User
from donations.disbursements.forms import METHOD_LABELS
from donations.disbursements.models import Disbursement, DisbursementStatus
from donations.giving.models import Donation, Refund, RefundStatus
from donations.ledger.models import JournalEntry
from donations.projects.models import NeedListing, Pool
from donations.projects.services import PAID
from donations.proposals.models import AllocationLine, AllocationProposal, ProposalStatus


def money_history(need_id: int) -> list[HistoryEntry]:
    listing_id = db.session.scalar(select(NeedListing.id).where(NeedListing.need_id == need_id))
    if listing_id is None:
        return []
    entries = _gifts(listing_id) + _refunds(listing_id)
    # When the money moved: the ledger's entry of the line, posted before the need was
    # marked funded in the same transaction.
    source_key = (
        literal("allocation:")
        + cast(AllocationLine.proposal_id, String)
        + literal(":")
        + cast(AllocationLine.id, String)
    )
    allocations = list(
        db.session.execute(
            select(AllocationLine, AllocationProposal, Pool.name, JournalEntry.posted_at)
            .join(AllocationProposal, AllocationProposal.id == AllocationLine.proposal_id)
            .join(Pool, Pool.id == AllocationLine.pool_id)
            .join(JournalEntry, JournalEntry.source_key == source_key)
            .where(
                AllocationLine.listing_id == listing_id,
                AllocationProposal.status == ProposalStatus.APPROVED.value,
            )
            .order_by(AllocationLine.id)
        )
    )
    payouts = list(
        db.session.scalars(
            select(Disbursement)
            .where(Disbursement.listing_id == listing_id)
            .order_by(Disbursement.id)
        )
    )
    ids = {p.proposed_by_id for p in payouts} | {p.approved_by_id for p in payouts}
    for _line, proposal, _pool, _at in allocations:
        ids |= {proposal.proposed_by_id, proposal.first_approver_id, proposal.second_approver_id}
    names = _names({i for i in ids if i is not None})
    for line, proposal, pool_name, posted_at in allocations:
        approvers = [
            names.get(i, "")
            for i in (proposal.first_approver_id, proposal.second_approver_id)
            if i is not None
        ]
        entries.append(
            HistoryEntry(
                at=posted_at,
                what=gettext("Allocated from a pool"),
                who=gettext("approved by %(names)s", names=gettext(", ").join(approvers)),
                detail=gettext(
                    "%(amount)s from %(pool)s, allocation proposal #%(id)d (proposed by %(who)s)",
                    amount=format_fen(line.amount_fen),
                    pool=pool_name,
                    id=proposal.id,
                    who=names.get(proposal.proposed_by_id, ""),
                ),
                kind="allocation",
            )
        )
    for payout in payouts:
        entries += _payout_lines(payout, names)
    return entries


def _gifts(listing_id: str) -> list[HistoryEntry]:
    gifts = db.session.execute(
        select(Donation.id, Donation.paid_at, Donation.to_need_fen, Donation.to_pool_fen)
        .where(
            Donation.listing_id == listing_id,
            Donation.status.in_([status.value for status in PAID]),
            Donation.paid_at.is_not(None),
        )
        .order_by(Donation.paid_at)
    )
    entries = []
    for donation_id, paid_at, to_need, to_pool in gifts:
        detail = gettext(
            "%(amount)s to this need (donation %(id)s)",
            amount=format_fen(to_need),
            id=donation_id[:8],
        )
        if to_pool:
            detail += gettext(
                "; %(amount)s did not fit and went to the pool", amount=format_fen(to_pool)
            )
        entries.append(
            HistoryEntry(
                at=paid_at,
                what=gettext("Designated gift received"),
                who=gettext("A donor"),
                detail=detail,
                kind="gift",
            )
        )
    return entries


def _refunds(listing_id: str) -> list[HistoryEntry]:
    refunds = db.session.execute(
        select(Refund.applied_at, Refund.amount_fen, Refund.donation_id)
        .join(Donation, Donation.id == Refund.donation_id)
        .where(
            Donation.listing_id == listing_id,
            Refund.status == RefundStatus.SUCCEEDED.value,
            Refund.applied_at.is_not(None),
        )
        .order_by(Refund.applied_at)
    )
    return [
        HistoryEntry(
            at=applied_at,
            what=gettext("Gift refunded"),
            who=gettext("A donor"),
            detail=gettext(
                "%(amount)s of donation %(id)s", amount=format_fen(amount), id=donation_id[:8]
            ),
            kind="refund",
        )
        for applied_at, amount, donation_id in refunds
    ]


def _payout_lines(payout: Disbursement, names: dict[int, str]) -> list[HistoryEntry]:
    method = METHOD_LABELS.get(payout.method)
    detail = gettext(
        "%(amount)s, %(method)s, paid on %(day)s (payout #%(id)d)",
        amount=format_fen(payout.amount_fen),
        method=str(method) if method is not None else payout.method,
        day=payout.paid_on.isoformat(),
        id=payout.id,
    )
    lines = [
        HistoryEntry(
            at=payout.proposed_at,
            what=gettext("Payout proposed"),
            who=names.get(payout.proposed_by_id, ""),
            detail=detail,
            kind="payout_proposed",
        )
    ]
    if payout.decided_at is not None and payout.approved_by_id is not None:
        approved = payout.status == DisbursementStatus.APPROVED
        lines.append(
            HistoryEntry(
                at=payout.decided_at,
                what=gettext("Payout approved") if approved else gettext("Payout rejected"),
                who=names.get(payout.approved_by_id, ""),
                detail=detail if approved else payout.rejection_reason,
                kind="payout_approved" if approved else "payout_rejected",
            )
        )
    return lines


def _names(user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return {
        user_id: who_label(username, user_id, name)
        for user_id, username, name in db.session.execute(
            select(User.id, User.username, User.display_name).where(User.id.in_(user_ids))
        )
    }
