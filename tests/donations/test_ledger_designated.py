"""Designated gifts stay with their need; an overshoot goes to the project pool, never past it."""

from __future__ import annotations

import pytest

from core.audit_actions import AuditAction
from core.needs.models import NeedStatus
from donations.giving.booking import default_pool
from donations.giving.events import apply_event
from donations.giving.models import Donation
from donations.ledger.check import check_ledger
from donations.ledger.services import fund_balance_fen, need_account, pool_account
from donations.projects.models import ListingStatus, NeedListing
from tests.donations.factories import (
    list_need,
    make_donation,
    make_project,
    need_status,
    succeeded_event,
)
from tests.factories import Office, audit_events, fresh, make_office

pytestmark = pytest.mark.usefixtures("ctx")


@pytest.fixture()
def office() -> Office:
    return make_office()


def _funds(project_id: str, listing_id: str) -> tuple[int, int]:
    """(need account, project pool) balances as people read them."""
    listing = fresh(NeedListing, listing_id)
    return (
        fund_balance_fen(need_account(listing)),
        fund_balance_fen(pool_account(default_pool(project_id))),
    )


def test_gifts_that_fit_go_to_the_need_until_it_is_funded(office):
    project_id = make_project()
    listing = list_need(office, project_id, 100_000)
    first = make_donation(project_id, 40_000, listing_id=listing)
    second = make_donation(project_id, 60_000, listing_id=listing)

    assert apply_event(succeeded_event(first), via="webhook") == "applied"
    half = fresh(NeedListing, listing)
    assert (half.raised_fen, half.status) == (40_000, ListingStatus.PUBLISHED)
    assert apply_event(succeeded_event(second), via="webhook") == "applied"

    funded = fresh(NeedListing, listing)
    assert (funded.raised_fen, funded.status) == (100_000, ListingStatus.FUNDED)
    assert need_status(listing) == NeedStatus.FUNDED
    [moved] = audit_events(AuditAction.NEED_FUNDED, fresh(NeedListing, listing).need_id)
    assert (moved.actor_id, moved.actor_label) == (None, "payments")
    for gift in (first, second):
        paid = fresh(Donation, gift.id)
        assert (paid.to_need_fen, paid.to_pool_fen) == (gift.amount_fen, 0)
        assert paid.redirected_to_pool is False
    assert _funds(project_id, listing) == (100_000, 0)
    report = check_ledger()
    assert report.ok, report.problems


def test_overshoot_of_the_later_gift_goes_to_the_pool(office):
    project_id = make_project()
    listing = list_need(office, project_id, 100_000)
    # Both fitted when they were started: pending gifts reserve nothing.
    earlier = make_donation(project_id, 70_000, listing_id=listing)
    later = make_donation(project_id, 50_000, listing_id=listing)

    apply_event(succeeded_event(earlier), via="webhook")
    apply_event(succeeded_event(later), via="webhook")

    first, second = fresh(Donation, earlier.id), fresh(Donation, later.id)
    assert (first.to_need_fen, first.to_pool_fen, first.redirected_to_pool) == (70_000, 0, False)
    assert (second.to_need_fen, second.to_pool_fen, second.redirected_to_pool) == (
        30_000,
        20_000,
        True,
    )
    funded = fresh(NeedListing, listing)
    assert funded.raised_fen == funded.amount_fen == 100_000
    assert funded.status == ListingStatus.FUNDED
    assert _funds(project_id, listing) == (100_000, 20_000)
    report = check_ledger()
    assert report.ok, report.problems


def test_gift_to_a_need_already_funded_goes_wholly_to_the_pool(office):
    project_id = make_project()
    listing = list_need(office, project_id, 30_000)
    filling = make_donation(project_id, 30_000, listing_id=listing)
    late = make_donation(project_id, 10_000, listing_id=listing)

    apply_event(succeeded_event(filling), via="webhook")
    apply_event(succeeded_event(late), via="webhook")

    paid = fresh(Donation, late.id)
    assert (paid.to_need_fen, paid.to_pool_fen, paid.redirected_to_pool) == (0, 10_000, True)
    assert fresh(NeedListing, listing).raised_fen == 30_000
    assert _funds(project_id, listing) == (30_000, 10_000)
    assert check_ledger().ok
