"""A proposal is the engine's answer on a snapshot of today's balances and open needs."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.db import db
from core.errors import PermissionDenied
from core.needs.models import Need
from core.needs.services import priority_of
from core.users import Role
from donations.allocation import INSUFFICIENT_FUNDS, NO_ELIGIBLE_POOL, OUTRANKED, allocate
from donations.projects.models import NeedListing
from donations.proposals.models import AllocationLine, AllocationProposal, ProposalStatus
from donations.proposals.services import run_proposal
from tests.donations.factories import (
    add_pool,
    default_pool_id,
    fill_pool,
    give,
    ledger_size,
    list_need,
    make_project,
)
from tests.factories import (
    TOWN_A,
    TOWN_B,
    fresh,
    make_county_staff,
    make_office,
    make_staff,
    make_user,
)

pytestmark = pytest.mark.usefixtures("ctx")


@pytest.fixture()
def world():
    """Two towns; a general pool of ¥1,000 and an education-in-赤坎镇 pool of ¥1,200;
    four open needs whose best use of the money the engine must find."""
    admin = make_user(Role.ADMIN)
    project_id = make_project(admin)
    chikan, sanbu = make_office(TOWN_A), make_office(TOWN_B)
    general = default_pool_id(project_id)
    school = add_pool(project_id, "助学基金", categories=["education"], towns=[TOWN_A])
    give(project_id, 100_000)
    fill_pool(school, 120_000)
    listings = {
        # Fits the restricted pool, and part of it is already raised by a gift.
        "school_chikan": list_need(chikan, project_id, 100_000, category="education", lister=admin),
        # Education too, but in a town the restricted pool does not admit.
        "school_sanbu": list_need(
            sanbu, project_id, 80_000, category="education", urgency=5, hardship=5, lister=admin
        ),
        "medical_chikan": list_need(
            chikan, project_id, 90_000, urgency=4, hardship=4, lister=admin
        ),
        "too_big": list_need(sanbu, project_id, 500_000, lister=admin),
    }
    give(project_id, 10_000, listing_id=listings["school_chikan"])
    return {
        "admin": admin,
        "project_id": project_id,
        "general": general,
        "school": school,
        "listings": listings,
        "officer": make_county_staff(Role.OFFICER),
    }


def test_proposal_stores_its_snapshot_and_funds_what_the_engine_says(world):
    listings = world["listings"]
    before = ledger_size()

    proposal = run_proposal(world["officer"], world["project_id"])

    snapshot = proposal.snapshot
    assert {p["id"]: p["balance_fen"] for p in snapshot["pools"]} == {
        world["general"]: 100_000,
        world["school"]: 120_000,
    }
    school_pool = next(p for p in snapshot["pools"] if p["id"] == world["school"])
    assert (school_pool["categories"], school_pool["towns"]) == (["education"], [TOWN_A])
    needs = {n["id"]: n for n in snapshot["needs"]}
    assert set(needs) == set(listings.values())
    # The still-unfunded amount, the person's town and the need's priority.
    assert needs[listings["school_chikan"]]["amount_fen"] == 90_000
    assert needs[listings["school_sanbu"]]["town"] == TOWN_B
    for listing_id, need in needs.items():
        listing = fresh(NeedListing, listing_id)
        assert need["priority"] == priority_of(listing.need)
        assert need["category"] == listing.need.category

    assert proposal.result == allocate(snapshot)
    funded = {f["need_id"] for f in proposal.result["funded"]}
    assert funded == {listings["school_chikan"], listings["school_sanbu"]}
    assert proposal.status == ProposalStatus.PROPOSED
    # Lines are the engine's sources, and nothing moves before approval.
    lines = db_lines(proposal.id)
    assert sorted(lines) == sorted(
        (f["need_id"], s["pool_id"], s["amount_fen"])
        for f in proposal.result["funded"]
        for s in f["sources"]
    )
    assert proposal.total_fen == sum(amount for _, _, amount in lines) == 170_000
    assert ledger_size() == before


def test_every_unfunded_need_says_why(world):
    listings = world["listings"]

    proposal = run_proposal(world["officer"], world["project_id"])

    unfunded = {u["need_id"]: u for u in proposal.result["unfunded"]}
    assert set(unfunded) == {listings["medical_chikan"], listings["too_big"]}
    for item in unfunded.values():
        assert item["reason"].strip()
    assert unfunded[listings["too_big"]]["code"] == INSUFFICIENT_FUNDS
    assert unfunded[listings["medical_chikan"]]["code"] == OUTRANKED


def test_restricted_pool_money_goes_only_to_needs_it_admits(world):
    proposal = run_proposal(world["officer"], world["project_id"])

    needs = {n["id"]: n for n in proposal.snapshot["needs"]}
    from_school = [
        (f["need_id"], s["amount_fen"])
        for f in proposal.result["funded"]
        for s in f["sources"]
        if s["pool_id"] == world["school"]
    ]
    assert from_school, "the restricted pool should pay for the need it admits"
    for need_id, _amount in from_school:
        assert (needs[need_id]["category"], needs[need_id]["town"]) == ("education", TOWN_A)
    # The education need in the other town is paid from general money only.
    sanbu = next(
        f for f in proposal.result["funded"] if f["need_id"] == world["listings"]["school_sanbu"]
    )
    assert {s["pool_id"] for s in sanbu["sources"]} == {world["general"]}


def test_only_restricted_money_leaves_other_needs_unfunded_with_a_reason():
    admin = make_user(Role.ADMIN)
    project_id = make_project(admin)
    chikan, sanbu = make_office(TOWN_A), make_office(TOWN_B)
    school = add_pool(project_id, "助学基金", categories=["education"], towns=[TOWN_A])
    fill_pool(school, 300_000)
    admitted = list_need(chikan, project_id, 50_000, category="education", lister=admin)
    wrong_town = list_need(sanbu, project_id, 50_000, category="education", lister=admin)
    wrong_category = list_need(chikan, project_id, 50_000, category="medical", lister=admin)

    proposal = run_proposal(make_county_staff(), project_id)

    assert [f["need_id"] for f in proposal.result["funded"]] == [admitted]
    unfunded = {u["need_id"]: u for u in proposal.result["unfunded"]}
    assert set(unfunded) == {wrong_town, wrong_category}
    assert {u["code"] for u in unfunded.values()} == {NO_ELIGIBLE_POOL}
    assert all(u["reason"] for u in unfunded.values())


def test_a_pool_pays_only_for_needs_listed_on_its_own_project():
    admin = make_user(Role.ADMIN)
    office = make_office()
    rich = make_project(admin)
    poor = make_project(admin)
    give(rich, 200_000)
    own = list_need(office, rich, 50_000, lister=admin)
    other = list_need(office, poor, 50_000, urgency=5, hardship=5, lister=admin)

    proposer = make_county_staff(Role.OFFICER)
    rich_proposal = run_proposal(proposer, rich)
    assert [f["need_id"] for f in rich_proposal.result["funded"]] == [own]
    assert rich_proposal.result["unfunded"] == []
    assert {line[0] for line in db_lines(rich_proposal.id)} == {own}
    poor_proposal = run_proposal(proposer, poor)
    assert poor_proposal.result["funded"] == []
    assert [u["need_id"] for u in poor_proposal.result["unfunded"]] == [other]
    assert poor_proposal.result["unfunded"][0]["reason"]


def test_nothing_to_fund_gives_an_empty_proposal():
    proposal = run_proposal(make_county_staff(), make_project(make_staff(Role.ADMIN)))

    assert (proposal.result["funded"], proposal.result["unfunded"]) == ([], [])
    assert proposal.total_fen == 0


@pytest.mark.parametrize("role", [Role.FINANCE, Role.ADMIN, Role.COORDINATOR, Role.AUDITOR])
def test_only_officers_and_social_workers_run_proposals(world, role):
    with pytest.raises(PermissionDenied):
        run_proposal(make_staff(role), world["project_id"])
    assert db_proposals() == 0


def test_unpublished_and_funded_needs_are_not_in_the_snapshot(world):
    admin, project_id = world["admin"], world["project_id"]
    office = make_office()
    full = list_need(office, project_id, 30_000, lister=admin)
    give(project_id, 30_000, listing_id=full)

    proposal = run_proposal(world["officer"], world["project_id"])

    ids = {n["id"] for n in proposal.snapshot["needs"]}
    assert full not in ids
    assert fresh(Need, fresh(NeedListing, full).need_id).status == "funded"


def db_lines(proposal_id: int) -> list[tuple[str, int, int]]:
    return [
        (line.listing_id, line.pool_id, line.amount_fen)
        for line in db.session.scalars(
            select(AllocationLine).where(AllocationLine.proposal_id == proposal_id)
        )
    ]


def db_proposals() -> int:
    return len(db.session.scalars(select(AllocationProposal.id)).all())
