"""Read models of the allocation pages: the latest proposals, one proposal in full."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core.audit_words import who_label
from core.db import db
from core.errors import NotFound
from core.users import User, visible_office_ids
from donations.ledger.models import AccountKind
from donations.ledger.reports import fund_balances_before
from donations.projects.models import NeedListing, Pool
from donations.proposals.models import AllocationProposal, ProposalStatus
from donations.proposals.services import TownFairness, awaiting_clause, fairness

RECENT_PROPOSALS = 50


def recent_proposals(
    limit: int = RECENT_PROPOSALS, *, awaiting_for: User | None = None
) -> list[AllocationProposal]:
    """The latest proposals; only those waiting for `awaiting_for`'s approval if given."""
    query = select(AllocationProposal).order_by(AllocationProposal.id.desc()).limit(limit)
    if awaiting_for is not None:
        query = query.where(awaiting_clause(awaiting_for))
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class Decision:
    """A step of a proposal: who took it and when."""

    what: str
    who: str
    at: datetime
    note: str = ""


@dataclass(frozen=True)
class PoolMove:
    """What a pool held before the proposal's money moved, and after."""

    pool: str
    before_fen: int
    allocated_fen: int
    after_fen: int
    pool_id: int = 0


@dataclass(frozen=True)
class ProposalPage:
    """What one viewer may read of a proposal: casework staff with a narrow scope see
    the outcome for the needs of their own offices only."""

    proposal: AllocationProposal
    # The needs as the proposal saw them (its snapshot), and their listings as they are now.
    needs: dict[str, dict[str, Any]]
    listings: dict[str, NeedListing]
    funded: list[dict[str, Any]]
    unfunded: list[dict[str, Any]]
    partial: bool
    fairness: list[TownFairness]
    decisions: list[Decision]
    pools: list[PoolMove]
    # True once approved: the balances are the ledger's; before, the proposal's snapshot.
    balances_booked: bool

    @property
    def pool_names(self) -> dict[int, str]:
        """The pools the proposal draws on, by id (a funded need's sources name them)."""
        return {move.pool_id: move.pool for move in self.pools}


def _names(proposal: AllocationProposal) -> dict[int, str]:
    ids = {
        proposal.proposed_by_id,
        proposal.first_approver_id,
        proposal.second_approver_id,
        proposal.rejected_by_id,
    } - {None}
    return {
        user_id: who_label(username, user_id, name)
        for user_id, username, name in db.session.execute(
            select(User.id, User.username, User.display_name).where(User.id.in_(ids))
        )
    }


def decisions(proposal: AllocationProposal) -> list[Decision]:
    """Who proposed, who approved (first and second) or rejected, and when; one query."""
    names = _names(proposal)
    found = [
        Decision(gettext("Proposal made"), names[proposal.proposed_by_id], proposal.proposed_at)
    ]
    if proposal.first_approver_id is not None and proposal.first_approved_at is not None:
        found.append(
            Decision(
                gettext("First approval"),
                names[proposal.first_approver_id],
                proposal.first_approved_at,
            )
        )
    if proposal.second_approver_id is not None and proposal.decided_at is not None:
        found.append(
            Decision(
                gettext("Second approval"), names[proposal.second_approver_id], proposal.decided_at
            )
        )
    if proposal.rejected_by_id is not None and proposal.decided_at is not None:
        found.append(
            Decision(
                gettext("Rejected"),
                names[proposal.rejected_by_id],
                proposal.decided_at,
                proposal.rejection_reason,
            )
        )
    return found


def pool_moves(proposal: AllocationProposal) -> tuple[list[PoolMove], bool]:
    """Each pool's balance before and after the proposal: from the ledger once approved
    (just before its first allocation entry), from the proposal's snapshot until then;
    two queries."""
    allocated: dict[int, int] = defaultdict(int)
    first_line: dict[int, int] = {}
    for line in proposal.lines:
        allocated[line.pool_id] += line.amount_fen
        first_line.setdefault(line.pool_id, line.id)
    if not allocated:
        return [], proposal.status == ProposalStatus.APPROVED
    names: dict[int, str] = {
        pool_id: name
        for pool_id, name in db.session.execute(
            select(Pool.id, Pool.name).where(Pool.id.in_(list(allocated)))
        )
    }
    booked = proposal.status == ProposalStatus.APPROVED
    if booked:
        keys = {
            pool_id: f"allocation:{proposal.id}:{line_id}"
            for pool_id, line_id in first_line.items()
        }
        held = fund_balances_before(list(keys.values()), AccountKind.POOL.value)
        before = {pool_id: held.get(key, 0) for pool_id, key in keys.items()}
    else:
        snapshot = {int(p["id"]): int(p["balance_fen"]) for p in proposal.snapshot.get("pools", [])}
        before = {pool_id: snapshot.get(pool_id, 0) for pool_id in allocated}
    return [
        PoolMove(
            str(names.get(pool_id, pool_id)),
            before[pool_id],
            amount,
            before[pool_id] - amount
            if proposal.status != ProposalStatus.REJECTED
            else before[pool_id],
            pool_id=pool_id,
        )
        for pool_id, amount in sorted(allocated.items())
    ], booked


def proposal_page(viewer: User, proposal_id: int) -> ProposalPage:
    proposal = db.session.get(AllocationProposal, proposal_id)
    if proposal is None:
        raise NotFound("No such proposal.")
    needs = {n["id"]: n for n in proposal.snapshot.get("needs", [])}
    visible = visible_office_ids(viewer) if viewer.does_casework else None
    if visible is not None:
        allowed = set(visible)
        needs = {key: n for key, n in needs.items() if n.get("office_id") in allowed}
    listings = (
        {
            listing.id: listing
            for listing in db.session.scalars(
                select(NeedListing)
                .options(joinedload(NeedListing.need))
                .where(NeedListing.id.in_(list(needs)))
            )
        }
        if needs
        else {}
    )
    result = proposal.result
    moves, booked = pool_moves(proposal)
    return ProposalPage(
        proposal=proposal,
        needs=needs,
        listings=listings,
        funded=[f for f in result.get("funded", []) if f["need_id"] in needs],
        unfunded=[u for u in result.get("unfunded", []) if u["need_id"] in needs],
        partial=visible is not None,
        fairness=fairness(proposal),
        decisions=decisions(proposal),
        pools=moves,
        balances_booked=booked,
    )
