"""Designated gifts stay with their need; an overshoot goes to the project pool, never past it."""

from __future__ import annotations

import pytest

from core.needs.models import Need, NeedStatus
from donations.giving.booking import default_pool
from donations.giving.events import apply_event
from donations.giving.models import Donation
from donations.ledger.check import check_ledger
from donations.ledger.services import fund_balance_fen, need_account, pool_account
from donations.projects.models import ListingStatus, NeedListing
from tests.donations.conftest import (
    NeedAuthors,
    make_donation,
    make_listing,
    make_need_authors,
    make_project,
    reload,
    succeeded_event,
)

pytestmark = pytest.mark.usefixtures("ctx")


@pytest.fixture()
def authors() -> NeedAuthors:
    return make_need_authors()


def _funds(project_id: str, listing_id: str) -> tuple[int, int]:
    """(need account, project pool) balances as people read them."""
    listing = reload(NeedListing, listing_id)
    return (
        fund_balance_fen(need_account(listing)),
        fund_balance_fen(pool_account(default_pool(project_id))),
    )


def test_gifts_that_fit_go_to_the_need_until_it_is_funded(authors):
    project_id = make_project()
    listing = make_listing(authors, project_id, 100_000)
    first = make_donation(project_id, 40_000, listing=listing)
    second = make_donation(project_id, 60_000, listing=listing)

    assert apply_event(succeeded_event(first), via="webhook") == "applied"
    half = reload(NeedListing, listing.id)
    assert (half.raised_fen, half.status) == (40_000, ListingStatus.PUBLISHED)
    assert apply_event(succeeded_event(second), via="webhook") == "applied"

    funded = reload(NeedListing, listing.id)
    assert (funded.raised_fen, funded.status) == (100_000, ListingStatus.FUNDED)
    assert reload(Need, listing.need_id).status == NeedStatus.FUNDED
    for gift in (first, second):
        paid = reload(Donation, gift.id)
        assert (paid.to_need_fen, paid.to_pool_fen) == (gift.amount_fen, 0)
        assert paid.redirected_to_pool is False
    assert _funds(project_id, listing.id) == (100_000, 0)
    report = check_ledger()
    assert report.ok, report.problems


def test_overshoot_of_the_later_gift_goes_to_the_pool(authors):
    project_id = make_project()
    listing = make_listing(authors, project_id, 100_000)
    # Both fitted when they were started: pending gifts reserve nothing.
    earlier = make_donation(project_id, 70_000, listing=listing)
    later = make_donation(project_id, 50_000, listing=listing)

    apply_event(succeeded_event(earlier), via="webhook")
    apply_event(succeeded_event(later), via="webhook")

    first, second = reload(Donation, earlier.id), reload(Donation, later.id)
    assert (first.to_need_fen, first.to_pool_fen, first.redirected_to_pool) == (70_000, 0, False)
    assert (second.to_need_fen, second.to_pool_fen, second.redirected_to_pool) == (
        30_000,
        20_000,
        True,
    )
    funded = reload(NeedListing, listing.id)
    assert funded.raised_fen == funded.amount_fen == 100_000
    assert funded.status == ListingStatus.FUNDED
    assert _funds(project_id, listing.id) == (100_000, 20_000)
    report = check_ledger()
    assert report.ok, report.problems


def test_gift_to_a_need_already_funded_goes_wholly_to_the_pool(authors):
    project_id = make_project()
    listing = make_listing(authors, project_id, 30_000)
    filling = make_donation(project_id, 30_000, listing=listing)
    late = make_donation(project_id, 10_000, listing=listing)

    apply_event(succeeded_event(filling), via="webhook")
    apply_event(succeeded_event(late), via="webhook")

    paid = reload(Donation, late.id)
    assert (paid.to_need_fen, paid.to_pool_fen, paid.redirected_to_pool) == (0, 10_000, True)
    assert reload(NeedListing, listing.id).raised_fen == 30_000
    assert _funds(project_id, listing.id) == (30_000, 10_000)
    assert check_ledger().ok
