"""Read models of the allocation pages: the latest proposals, one proposal in full."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core.db import db
from core.errors import NotFound
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
    proposal: AllocationProposal
    # The needs as the proposal saw them (its snapshot), and their listings as they are now.
    needs: dict[str, dict[str, Any]]
    listings: dict[str, NeedListing]
    fairness: list[TownFairness]


def proposal_page(proposal_id: int) -> ProposalPage:
    proposal = db.session.get(AllocationProposal, proposal_id)
    if proposal is None:
        raise NotFound("No such proposal.")
    needs = {n["id"]: n for n in proposal.snapshot.get("needs", [])}
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
    return ProposalPage(proposal, needs, listings, fairness(proposal))
