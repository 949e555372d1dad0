"""Read models of the allocation pages: the latest proposals, one proposal in full."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core.db import db
from core.errors import NotFound
from core.users import User, visible_office_ids
from donations.projects.models import NeedListing
from donations.proposals.models import AllocationProposal
from donations.proposals.services import TownFairness, fairness

RECENT_PROPOSALS = 50


def recent_proposals(limit: int = RECENT_PROPOSALS) -> list[AllocationProposal]:
    return list(
        db.session.scalars(
            select(AllocationProposal).order_by(AllocationProposal.id.desc()).limit(limit)
        )
    )


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
    return ProposalPage(
        proposal=proposal,
        needs=needs,
        listings=listings,
        funded=[f for f in result.get("funded", []) if f["need_id"] in needs],
        unfunded=[u for u in result.get("unfunded", []) if u["need_id"] in needs],
        partial=visible is not None,
        fairness=fairness(proposal),
    )
