"""Allocation proposals: run the engine on current balances, then four-eyes approval.

An officer or social worker runs a proposal; it keeps a snapshot of its
inputs. A finance user who did not propose it approves or rejects it; above
ALLOCATION_SECOND_APPROVAL_FEN an admin (a third person) must approve too.
Approval moves the money, pool → need restricted, in one transaction that
locks the pools and needs it touches (in id order, so two approvals cannot
deadlock) and re-checks every balance, so two approvals can never spend the
same money.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, select
from sqlalchemy.orm import joinedload

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from core.needs.models import Need, NeedStatus
from core.needs.services import priority_of
from core.people.models import Person
from core.users import Role, User, visible_office_ids
from donations.allocation import allocate
from donations.giving.booking import credit_listing, listing_is_open
from donations.ledger.models import EntryKind
from donations.ledger.services import (
    Leg,
    need_account,
    pool_account,
    pool_balance_fen,
    pool_balances_fen,
    post,
)
from donations.projects.models import ListingStatus, NeedListing, Pool, Project, ProjectStatus
from donations.proposals.models import AllocationLine, AllocationProposal, ProposalStatus

PROPOSERS = (Role.OFFICER, Role.SOCIAL_WORKER)
SYSTEM = Actor.system("allocation")


def _actor(user: User) -> Actor:
    return Actor(user.id, user.username)


def open_listings(project_id: str | None = None) -> list[NeedListing]:
    """Published needs with room left, of people who may appear to donors."""
    query = (
        select(NeedListing)
        .join(Need, Need.id == NeedListing.need_id)
        .join(Person, Person.id == Need.person_id)
        .options(joinedload(NeedListing.need).joinedload(Need.person))
        .where(
            NeedListing.status == ListingStatus.PUBLISHED,
            NeedListing.raised_fen < NeedListing.amount_fen,
            Need.status == NeedStatus.PUBLISHED,
        )
        .order_by(NeedListing.listed_at)
    )
    if project_id is not None:
        query = query.where(NeedListing.project_id == project_id)
    return list(db.session.scalars(query).unique())


def snapshot(project_id: str | None = None) -> dict[str, Any]:
    """Pools with money and open needs: of one project, or (for tests and tools) all."""
    pools = []
    pool_query = select(Pool).order_by(Pool.id)
    if project_id is not None:
        pool_query = pool_query.where(Pool.project_id == project_id)
    all_pools = list(db.session.scalars(pool_query))
    balances = pool_balances_fen([pool.id for pool in all_pools])
    for pool in all_pools:
        balance = balances[pool.id]
        if balance > 0:
            pools.append(
                {
                    "id": pool.id,
                    "project_id": pool.project_id,
                    "balance_fen": balance,
                    "categories": pool.categories,
                    "towns": pool.towns,
                }
            )
    needs = [
        {
            "id": listing.id,
            "project_id": listing.project_id,
            "amount_fen": listing.amount_fen - listing.raised_fen,
            "category": listing.need.category,
            "town": listing.need.person.town,
            "office_id": listing.need.person.office_id,
            "priority": priority_of(listing.need),
        }
        for listing in open_listings(project_id)
    ]
    return {"pools": pools, "needs": needs}


def allocate_by_project(inputs: dict[str, Any]) -> dict[str, Any]:
    """The engine once per project: a project's pools pay only for needs listed on it
    (each project is its own registered fundraising, possibly of another charity)."""
    projects = sorted({str(item["project_id"]) for item in inputs["pools"] + inputs["needs"]})
    result: dict[str, Any] = {
        "funded": [],
        "unfunded": [],
        "objective": 0,
        "optimal": True,
        "bound": 0,
    }
    for project_id in projects:
        part = allocate(
            {
                "pools": [p for p in inputs["pools"] if p["project_id"] == project_id],
                "needs": [n for n in inputs["needs"] if n["project_id"] == project_id],
            }
        )
        result["funded"] += part["funded"]
        result["unfunded"] += part["unfunded"]
        result["objective"] += part["objective"]
        result["optimal"] = result["optimal"] and part["optimal"]
        result["bound"] += part["bound"]
    return result


def proposable_projects() -> list[Project]:
    """Projects an allocation can be proposed for: active, newest first."""
    return list(
        db.session.scalars(
            select(Project)
            .where(Project.status == ProjectStatus.ACTIVE)
            .order_by(Project.created_at.desc())
        )
    )


def run_proposal(actor: User, project_id: str) -> AllocationProposal:
    """Propose the best use of one project's pools on its current balances and needs.

    The proposer must have scope over every office whose needs are on the project: an
    allocation weighs those needs against each other, so an officer of one town may not
    decide it for the county.
    """
    if not actor.has_role(*PROPOSERS):
        raise PermissionDenied("Only officers and social workers propose allocations.")
    if db.session.get(Project, project_id) is None:
        raise NotFound("No such project.")
    inputs = snapshot(project_id)
    offices = {int(need["office_id"]) for need in inputs["needs"]}
    visible = visible_office_ids(actor)
    if visible is not None and not offices <= set(visible):
        raise PermissionDenied(
            "Proposing for this project needs scope over every office with needs on it: "
            "ask a social worker or the centre."
        )
    result = allocate_by_project(inputs)
    proposal = AllocationProposal(
        proposed_by_id=actor.id, project_id=project_id, snapshot=inputs, result=result
    )
    db.session.add(proposal)
    db.session.flush()
    total = 0
    for funded in result["funded"]:
        for source in funded["sources"]:
            db.session.add(
                AllocationLine(
                    proposal_id=proposal.id,
                    listing_id=funded["need_id"],
                    pool_id=source["pool_id"],
                    amount_fen=source["amount_fen"],
                )
            )
            total += int(source["amount_fen"])
    proposal.total_fen = total
    audit.record(
        _actor(actor),
        AuditAction.ALLOCATION_PROPOSE,
        "allocation_proposal",
        proposal.id,
        total_fen=total,
        funded=len(result["funded"]),
    )
    db.session.commit()
    return proposal


def _get(proposal_id: int) -> AllocationProposal:
    proposal = db.session.get(AllocationProposal, proposal_id, with_for_update=True)
    if proposal is None:
        raise NotFound("No such proposal.")
    return proposal


def approve_proposal(actor: User, proposal_id: int, threshold_fen: int) -> AllocationProposal:
    """First approval by finance; above the threshold, a second by an admin; then money moves."""
    proposal = _get(proposal_id)
    if actor.id == proposal.proposed_by_id:
        raise PermissionDenied("Nobody approves their own proposal.")
    if proposal.status == ProposalStatus.PROPOSED:
        if not actor.has_role(Role.FINANCE):
            raise PermissionDenied("A finance user gives the first approval.")
        proposal.first_approver_id = actor.id
        proposal.first_approved_at = utcnow()
        if proposal.total_fen > threshold_fen:
            proposal.status = ProposalStatus.AWAITING_SECOND
            audit.record(
                _actor(actor),
                AuditAction.ALLOCATION_FIRST_APPROVAL,
                "allocation_proposal",
                proposal.id,
            )
            db.session.commit()
            return proposal
    elif proposal.status == ProposalStatus.AWAITING_SECOND:
        if not actor.has_role(Role.ADMIN):
            raise PermissionDenied("Above the threshold an admin gives the second approval.")
        if actor.id == proposal.first_approver_id:
            raise PermissionDenied("The second approval needs another person.")
        proposal.second_approver_id = actor.id
    else:
        raise Conflict("This proposal has already been decided.")
    _execute(proposal)
    proposal.status = ProposalStatus.APPROVED
    proposal.decided_at = utcnow()
    audit.record(
        _actor(actor),
        AuditAction.ALLOCATION_APPROVE,
        "allocation_proposal",
        proposal.id,
        total_fen=proposal.total_fen,
    )
    db.session.commit()
    return proposal


def _execute(proposal: AllocationProposal) -> None:
    """Move the money under row locks, refusing if a balance changed since the proposal."""
    by_pool: dict[int, int] = defaultdict(int)
    by_listing: dict[str, int] = defaultdict(int)
    for line in proposal.lines:
        by_pool[line.pool_id] += line.amount_fen
        by_listing[line.listing_id] += line.amount_fen
    pools = {
        p.id: p
        for p in db.session.scalars(
            select(Pool).where(Pool.id.in_(sorted(by_pool))).order_by(Pool.id).with_for_update()
        )
    }
    listings = {
        item.id: item
        for item in db.session.scalars(
            select(NeedListing)
            .where(NeedListing.id.in_(sorted(by_listing)))
            .order_by(NeedListing.id)
            .with_for_update()
        )
    }
    for pool_id, amount in by_pool.items():
        if pool_balance_fen(pools[pool_id]) < amount:
            raise Conflict("A pool no longer holds enough: run a new proposal.")
    for listing_id, amount in by_listing.items():
        listing = listings[listing_id]
        if not listing_is_open(listing) or listing.raised_fen + amount > listing.amount_fen:
            raise Conflict("A need changed since the proposal: run a new proposal.")
    for line in proposal.lines:
        listing = listings[line.listing_id]
        post(
            EntryKind.ALLOCATION,
            f"allocation:{proposal.id}:{line.id}",
            [
                Leg(pool_account(pools[line.pool_id]), line.amount_fen),
                Leg(need_account(listing), -line.amount_fen),
            ],
            memo=f"allocation proposal {proposal.id}",
        )
    for listing_id, amount in by_listing.items():
        credit_listing(listings[listing_id], amount, "funded by allocation")


def reject_proposal(actor: User, proposal_id: int, reason: str) -> AllocationProposal:
    proposal = _get(proposal_id)
    if not actor.has_role(Role.FINANCE, Role.ADMIN):
        raise PermissionDenied("Finance or an admin rejects proposals.")
    if actor.id == proposal.proposed_by_id:
        raise PermissionDenied("Nobody decides on their own proposal.")
    if proposal.status not in (ProposalStatus.PROPOSED, ProposalStatus.AWAITING_SECOND):
        raise Conflict("This proposal has already been decided.")
    if not reason.strip():
        raise ValidationFailed("Say why the proposal is rejected.", field="reason")
    proposal.status = ProposalStatus.REJECTED
    proposal.rejected_by_id = actor.id
    proposal.rejection_reason = reason.strip()
    proposal.decided_at = utcnow()
    audit.record(
        _actor(actor),
        AuditAction.ALLOCATION_REJECT,
        "allocation_proposal",
        proposal.id,
        reason=reason.strip(),
    )
    db.session.commit()
    return proposal


@dataclass(frozen=True)
class TownFairness:
    town: str
    open_fen: int
    allocated_fen: int
    needs: int
    funded: int


def fairness(proposal: AllocationProposal) -> list[TownFairness]:
    """Per town: open need at the snapshot against what the proposal gives."""
    needs = {n["id"]: n for n in proposal.snapshot.get("needs", [])}
    open_by: dict[str, int] = defaultdict(int)
    count_by: dict[str, int] = defaultdict(int)
    for need in needs.values():
        open_by[need["town"]] += int(need["amount_fen"])
        count_by[need["town"]] += 1
    got_by: dict[str, int] = defaultdict(int)
    funded_by: dict[str, int] = defaultdict(int)
    for funded in proposal.result.get("funded", []):
        town = needs.get(funded["need_id"], {}).get("town", "")
        got_by[town] += sum(int(s["amount_fen"]) for s in funded["sources"])
        funded_by[town] += 1
    return sorted(
        (TownFairness(t, open_by[t], got_by[t], count_by[t], funded_by[t]) for t in open_by),
        key=lambda row: row.town,
    )


def awaiting_clause(viewer: User) -> ColumnElement[bool]:
    """The proposals waiting for an approval the viewer may give: the first by finance,
    the second (above the threshold) by an admin; never on their own proposal, and
    never a second approval by the first approver."""
    if viewer.has_role(Role.FINANCE):
        step = AllocationProposal.status == ProposalStatus.PROPOSED
    elif viewer.has_role(Role.ADMIN):
        step = and_(
            AllocationProposal.status == ProposalStatus.AWAITING_SECOND,
            AllocationProposal.first_approver_id != viewer.id,
        )
    else:
        return false()
    return and_(step, AllocationProposal.proposed_by_id != viewer.id)


def awaiting_count(viewer: User) -> int:
    """Proposals waiting for an approval the viewer may give (never their own)."""
    return (
        db.session.scalar(
            select(func.count()).select_from(AllocationProposal).where(awaiting_clause(viewer))
        )
        or 0
    )
