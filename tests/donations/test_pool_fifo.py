"""Where pool money went is the truth: the pool spends first in, first out, so a gift is
never said to have paid for an allocation made before it reached the pool."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.db import db
from core.users import Role
from donations.disbursements.closing import close_listing
from donations.donors.impact import went_to
from donations.giving.models import Donation
from donations.ledger.fifo import MoveKind, PoolMove, attribute
from donations.proposals.services import approve_proposal, run_proposal
from tests.donations.factories import (
    default_pool_id,
    give,
    list_need,
    pool_balance,
)
from tests.donations.factories import (
    make_project as make_money_project,
)
from tests.factories import (
    fresh,
    make_county_staff,
    make_office,
    make_staff,
)

# One step of a pool's life: a gift of some fen, an allocation of a fraction of what the
# pool holds, or a refund of a fraction of what one gift still has in the pool.
steps = st.lists(
    st.one_of(
        st.tuples(st.just("gift"), st.integers(1, 100_000)),
        st.tuples(st.just("allocation"), st.integers(1, 100)),
        st.tuples(st.just("refund"), st.integers(0, 50), st.integers(1, 100)),
    ),
    max_size=40,
)


def _replay(plan: list[tuple[int | str, ...]]):
    """The plan as ledger moves; refunds take at most what their gift still has in the
    pool, as booking allows (donations/giving/booking.py)."""
    moves: list[PoolMove] = []
    gifts: dict[str, int] = {}
    refunded: dict[str, int] = defaultdict(int)
    for seq, step in enumerate(plan, start=1):
        held = (
            sum(gifts.values())
            - sum(refunded.values())
            - sum(m.amount_fen for m in moves if m.kind is MoveKind.ALLOCATION)
        )
        if step[0] == "gift":
            donation = f"d{seq}"
            gifts[donation] = int(step[1])
            moves.append(PoolMove(seq, MoveKind.GIFT, int(step[1]), donation_id=donation))
        elif step[0] == "allocation" and held > 0:
            amount = max(1, held * int(step[1]) // 100)
            moves.append(PoolMove(seq, MoveKind.ALLOCATION, amount, listing_id=f"need{seq}"))
        elif step[0] == "refund" and gifts:
            donation = sorted(gifts)[int(step[1]) % len(gifts)]
            left = attribute(moves).in_pool.get(donation, 0)
            amount = left * int(step[2]) // 100
            if amount:
                refunded[donation] += amount
                moves.append(PoolMove(seq, MoveKind.REFUND, amount, donation_id=donation))
    return moves, gifts, refunded


@settings(max_examples=300, deadline=None)
@given(steps)
def test_shares_add_up_and_never_reach_back_before_the_gift(plan):
    moves, gifts, refunded = _replay(plan)

    result = attribute(moves)

    allocations = {m.seq: m.amount_fen for m in moves if m.kind is MoveKind.ALLOCATION}
    gift_seq = {m.donation_id: m.seq for m in moves if m.kind is MoveKind.GIFT}
    by_allocation: dict[int, int] = defaultdict(int)
    by_gift: dict[str, int] = defaultdict(int)
    for share in result.shares:
        by_allocation[share.allocation_seq] += share.amount_fen
        by_gift[share.donation_id] += share.amount_fen
        assert gift_seq[share.donation_id] < share.allocation_seq, share
    # Summed over donors, the shares are each allocation.
    assert dict(by_allocation) == {s: a for s, a in allocations.items() if a}
    # Each gift: what allocations spent of it, plus what the pool still holds, less refunds.
    for donation, amount in gifts.items():
        assert by_gift[donation] + result.in_pool.get(donation, 0) == amount - refunded[donation]
    # Oldest first: money still in the pool was there at every later allocation, so no
    # allocation may have spent a newer gift instead.
    for donation, held in result.in_pool.items():
        assert held > 0
        assert all(s.reached_pool_seq <= gift_seq[donation] for s in result.shares), donation


def test_a_gift_to_an_empty_pool_stays_there_whatever_was_allocated_before():
    # ¥1,000 given and allocated in full; then ¥5,000 reaches a pool that held nothing.
    result = attribute(
        [
            PoolMove(1, MoveKind.GIFT, 100_000, donation_id="early"),
            PoolMove(2, MoveKind.ALLOCATION, 100_000, listing_id="need-a"),
            PoolMove(3, MoveKind.GIFT, 500_000, donation_id="later"),
        ]
    )

    assert result.of("later") == [] and result.in_pool == {"later": 500_000}
    assert result.of("early") == [("need-a", 100_000)]


def test_an_allocation_spends_the_oldest_money_first():
    result = attribute(
        [
            PoolMove(1, MoveKind.GIFT, 30_000, donation_id="first"),
            PoolMove(2, MoveKind.GIFT, 50_000, donation_id="second"),
            PoolMove(3, MoveKind.ALLOCATION, 60_000, listing_id="need-a"),
            PoolMove(4, MoveKind.GIFT, 10_000, donation_id="third"),
            PoolMove(5, MoveKind.ALLOCATION, 25_000, listing_id="need-b"),
        ]
    )

    assert result.of("first") == [("need-a", 30_000)]
    assert result.of("second") == [("need-a", 30_000), ("need-b", 20_000)]
    assert result.of("third") == [("need-b", 5_000)]
    assert result.in_pool == {"third": 5_000}


def test_a_refund_takes_back_its_own_gifts_money():
    result = attribute(
        [
            PoolMove(1, MoveKind.GIFT, 30_000, donation_id="first"),
            PoolMove(2, MoveKind.GIFT, 50_000, donation_id="second"),
            PoolMove(3, MoveKind.REFUND, 20_000, donation_id="first"),
            PoolMove(4, MoveKind.ALLOCATION, 40_000, listing_id="need-a"),
        ]
    )

    assert result.of("first") == [("need-a", 10_000)]
    assert result.of("second") == [("need-a", 30_000)]
    assert result.in_pool == {"second": 20_000}


def test_an_allocation_given_back_is_spent_again_before_newer_money():
    # need-a closes unfunded and gives the ¥300 back; the older gift's money is spent
    # first again by the next allocation.
    result = attribute(
        [
            PoolMove(1, MoveKind.GIFT, 30_000, donation_id="old"),
            PoolMove(2, MoveKind.ALLOCATION, 30_000, listing_id="need-a"),
            PoolMove(3, MoveKind.GIFT, 30_000, donation_id="new"),
            PoolMove(4, MoveKind.RETURN, 30_000, listing_id="need-a"),
            PoolMove(5, MoveKind.ALLOCATION, 40_000, listing_id="need-b"),
        ]
    )

    assert result.of("old") == [("need-b", 30_000)]
    assert result.of("new") == [("need-b", 10_000)]
    assert result.in_pool == {"new": 20_000}


def test_a_refund_larger_than_its_gift_in_old_books_takes_the_newest_money():
    result = attribute(
        [
            PoolMove(1, MoveKind.GIFT, 30_000, donation_id="first"),
            PoolMove(2, MoveKind.ALLOCATION, 30_000, listing_id="need-a"),
            PoolMove(3, MoveKind.GIFT, 50_000, donation_id="second"),
            PoolMove(4, MoveKind.REFUND, 10_000, donation_id="first"),
        ]
    )

    assert result.of("first") == [("need-a", 30_000)]
    assert result.in_pool == {"second": 40_000}


# -- the same rule where donors read it ------------------------------------------------------


def _allocate_everything(project_id: str) -> None:
    """A county officer runs a proposal over the project's open needs; finance approves."""
    proposal = run_proposal(make_county_staff(Role.OFFICER), project_id)
    approve_proposal(make_staff(Role.FINANCE), proposal.id, 10_000_000)


def _went_to(donation_id: str) -> list[tuple[int, str]]:
    return [(w["amount_fen"], w["status"]) for w in went_to(fresh(Donation, donation_id))]


@pytest.mark.usefixtures("ctx")
def test_a_gift_after_the_pool_was_spent_is_shown_in_the_pool():
    admin = make_staff(Role.ADMIN)
    project_id = make_money_project(admin)
    early = give(project_id, 100_000)
    list_need(make_office(), project_id, 100_000)
    _allocate_everything(project_id)
    assert pool_balance(default_pool_id(project_id)) == 0

    later = give(project_id, 500_000)

    assert _went_to(later) == [(500_000, "in_pool")]
    assert _went_to(early) == [(100_000, "funded")]


@pytest.mark.usefixtures("ctx")
def test_pool_money_given_back_by_a_closed_need_is_its_donors_again():
    admin = make_staff(Role.ADMIN)
    project_id = make_money_project(admin)
    office = make_office()
    early = give(project_id, 60_000)
    closing = list_need(office, project_id, 60_000)
    _allocate_everything(project_id)
    later = give(project_id, 40_000)
    assert _went_to(early) == [(60_000, "funded")]

    close_listing(closing)
    db.session.commit()

    assert _went_to(early) == [(60_000, "in_pool")]
    list_need(office, project_id, 70_000)
    _allocate_everything(project_id)
    # The older money is spent first; the rest of the ¥700 comes from the later gift.
    assert _went_to(early) == [(60_000, "funded")]
    assert _went_to(later) == [(10_000, "funded"), (30_000, "in_pool")]
