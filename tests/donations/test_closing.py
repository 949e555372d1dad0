"""Needs that close unfunded: designated money follows each donor's choice, pool money
goes back to its pools, every move is a ledger entry, and each donor is told."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.audit_actions import AuditAction
from core.db import db
from core.needs.models import Need, NeedStatus
from core.needs.services import cancel_need
from core.timeutil import local_today
from core.users import Role
from donations.disbursements.closing import close_expired_and_cancelled
from donations.giving.booking import apply_refund
from donations.giving.models import Donation
from donations.ledger.check import check_ledger
from donations.ledger.models import EntryKind, JournalEntry
from donations.projects.models import ListingStatus, NeedListing
from donations.proposals.services import approve_proposal, run_proposal
from tests.donations.factories import (
    add_pool,
    default_pool_id,
    fill_pool,
    give,
    ledger_size,
    list_need,
    make_donor,
    make_project,
    need_balance,
    need_status,
    outbox,
    pool_balance,
)
from tests.factories import (
    audit_events,
    fresh,
    make_county_staff,
    make_office,
    make_person_in,
    make_staff,
    user,
)

pytestmark = pytest.mark.usefixtures("ctx")

HIGH = 10_000_000


def _past_deadline(listing_id: str, days: int = 1) -> None:
    """The deadline passed while the need waited (set directly: the form refuses the past)."""
    need = db.session.get_one(Need, fresh(NeedListing, listing_id).need_id)
    need.deadline = local_today() - timedelta(days=days)
    db.session.commit()


def _redirects() -> set[str]:
    return set(
        db.session.scalars(
            select(JournalEntry.source_key).where(
                JournalEntry.kind == EntryKind.REDIRECT,
                JournalEntry.source_key.like("redirect:%"),
            )
        )
    )


def _approve_next_proposal(project_id: str) -> None:
    proposal = run_proposal(make_county_staff(Role.OFFICER), project_id)
    approve_proposal(make_staff(Role.FINANCE), proposal.id, HIGH)


@pytest.fixture()
def base():
    admin = make_staff(Role.ADMIN)
    project_id = make_project(admin)
    office = make_office()
    return {
        "admin": admin,
        "project_id": project_id,
        "office": office,
        "pool": default_pool_id(project_id),
    }


def test_an_expired_need_sends_each_gift_where_its_donor_chose(base):
    admin, project_id, office = base["admin"], base["project_id"], base["office"]
    person = make_person_in(office)
    expiring = list_need(
        office, project_id, 150_000, person_id=person, urgency=5, hardship=5, lister=admin
    )
    to_pool, to_person, refunded = make_donor(), make_donor(), make_donor()
    gift_pool = give(project_id, 30_000, listing_id=expiring, donor_id=to_pool)
    gift_same = give(
        project_id, 50_000, listing_id=expiring, donor_id=to_person, if_need_closes="same_person"
    )
    gift_refunded = give(project_id, 20_000, listing_id=expiring, donor_id=refunded)
    # Pool money completes the need; a refund then reopens it, short by ¥200.
    give(project_id, 50_000)
    _approve_next_proposal(project_id)
    assert fresh(NeedListing, expiring).status == ListingStatus.FUNDED
    assert apply_refund(fresh(Donation, gift_refunded), "re_test_close", 20_000)
    db.session.commit()
    assert (fresh(NeedListing, expiring).raised_fen, need_status(expiring)) == (
        130_000,
        NeedStatus.PUBLISHED,
    )
    # The same person's other needs: a long-open one of low priority listed first, then
    # a more urgent one with ¥400 of room. Another person's urgent need gets nothing.
    low = list_need(
        office, project_id, 100_000, person_id=person, urgency=1, hardship=1, lister=admin
    )
    urgent = list_need(
        office, project_id, 40_000, person_id=person, urgency=4, hardship=4, lister=admin
    )
    stranger = list_need(office, project_id, 90_000, urgency=5, hardship=5, lister=admin)
    _past_deadline(expiring)
    assert pool_balance(base["pool"]) == 0

    assert close_expired_and_cancelled() == 1

    closed = fresh(NeedListing, expiring)
    assert (closed.status, closed.raised_fen) == (ListingStatus.CLOSED, 0)
    assert need_status(expiring) == NeedStatus.EXPIRED
    assert need_balance(expiring) == 0
    # "pool": all of it to the project pool.
    pooled = fresh(Donation, gift_pool)
    assert (pooled.to_need_fen, pooled.to_pool_fen, pooled.redirected_to_pool) == (0, 30_000, True)
    # "same_person": the most urgent other need takes what it has room for, the rest pools.
    moved = fresh(Donation, gift_same)
    assert (moved.listing_id, moved.to_need_fen, moved.to_pool_fen) == (urgent, 40_000, 10_000)
    assert moved.redirected_to_pool is True
    assert (fresh(NeedListing, urgent).raised_fen, need_status(urgent)) == (
        40_000,
        NeedStatus.FUNDED,
    )
    assert fresh(NeedListing, urgent).status == ListingStatus.FUNDED
    assert fresh(NeedListing, low).raised_fen == 0
    assert fresh(NeedListing, stranger).raised_fen == 0
    # The allocated ¥500 is back in the pool, beside the redirected gifts.
    assert pool_balance(base["pool"]) == 30_000 + 10_000 + 50_000
    assert _redirects() == {
        f"redirect:{expiring}:{gift_pool}:pool",
        f"redirect:{expiring}:{gift_same}:need",
        f"redirect:{expiring}:{gift_same}:pool",
        f"redirect:{expiring}:pool:{base['pool']}",
    }
    # Donors whose money moved are told; the fully refunded one has nothing to hear.
    assert outbox("need_closed") == {gift_pool: to_pool, gift_same: to_person}
    report = check_ledger()
    assert report.ok, report.problems

    # The job is idempotent: nothing left to close, nothing posted again.
    before = ledger_size()
    assert close_expired_and_cancelled() == 0
    assert ledger_size() == before


def test_same_person_money_fills_the_best_need_wholly_when_it_has_room(base):
    admin, project_id, office = base["admin"], base["project_id"], base["office"]
    person = make_person_in(office)
    expiring = list_need(office, project_id, 100_000, person_id=person, lister=admin)
    gift = give(project_id, 50_000, listing_id=expiring, if_need_closes="same_person")
    other = list_need(office, project_id, 200_000, person_id=person, lister=admin)
    _past_deadline(expiring)

    close_expired_and_cancelled()

    moved = fresh(Donation, gift)
    assert (moved.listing_id, moved.to_need_fen, moved.to_pool_fen) == (other, 50_000, 0)
    assert moved.redirected_to_pool is False
    assert fresh(NeedListing, other).raised_fen == 50_000
    assert need_balance(other) == 50_000
    assert pool_balance(base["pool"]) == 0
    assert check_ledger().ok


def test_same_person_money_without_another_open_need_goes_to_the_pool(base):
    admin, project_id, office = base["admin"], base["project_id"], base["office"]
    expiring = list_need(office, project_id, 100_000, lister=admin)
    gift = give(project_id, 50_000, listing_id=expiring, if_need_closes="same_person")
    _past_deadline(expiring)

    close_expired_and_cancelled()

    moved = fresh(Donation, gift)
    assert (moved.listing_id, moved.to_need_fen, moved.to_pool_fen) == (expiring, 0, 50_000)
    assert pool_balance(base["pool"]) == 50_000
    assert check_ledger().ok


@pytest.mark.parametrize("how", ["cancelled", "past_deadline"])
def test_same_person_money_never_goes_to_a_need_that_is_closing_too(base, how):
    admin, project_id, office = base["admin"], base["project_id"], base["office"]
    person = make_person_in(office)
    expiring = list_need(office, project_id, 100_000, person_id=person, lister=admin)
    gift = give(project_id, 50_000, listing_id=expiring, if_need_closes="same_person")
    # More urgent than the open one, with less room than the gift: moving the gift
    # there would fund a need that is itself about to close.
    closing = list_need(office, project_id, 30_000, person_id=person, urgency=5, lister=admin)
    still_open = list_need(office, project_id, 100_000, person_id=person, urgency=1, lister=admin)
    if how == "cancelled":
        cancel_need(user(office.author_id), fresh(NeedListing, closing).need_id, "已获其他救助")
    else:
        _past_deadline(closing)
    _past_deadline(expiring)

    # A cancelled need's listing closes in the cancelling transaction, not in the job.
    assert close_expired_and_cancelled() == (1 if how == "cancelled" else 2)

    moved = fresh(Donation, gift)
    assert (moved.listing_id, moved.to_need_fen, moved.to_pool_fen) == (still_open, 50_000, 0)
    assert fresh(NeedListing, closing).status == ListingStatus.CLOSED
    assert fresh(NeedListing, closing).raised_fen == 0
    assert need_status(closing) == (
        NeedStatus.CANCELLED if how == "cancelled" else NeedStatus.EXPIRED
    )
    assert fresh(NeedListing, still_open).raised_fen == 50_000
    assert check_ledger().ok


def test_same_person_money_stays_on_its_project(base):
    admin, project_id, office = base["admin"], base["project_id"], base["office"]
    person = make_person_in(office)
    expiring = list_need(office, project_id, 100_000, person_id=person, lister=admin)
    gift = give(project_id, 50_000, listing_id=expiring, if_need_closes="same_person")
    elsewhere = list_need(office, make_project(admin), 100_000, person_id=person, lister=admin)
    _past_deadline(expiring)

    close_expired_and_cancelled()

    moved = fresh(Donation, gift)
    assert (moved.listing_id, moved.to_need_fen, moved.to_pool_fen) == (expiring, 0, 50_000)
    assert fresh(NeedListing, elsewhere).raised_fen == 0
    assert pool_balance(base["pool"]) == 50_000
    assert check_ledger().ok


def test_allocated_money_goes_back_to_each_pool_it_came_from(base):
    admin, project_id, office = base["admin"], base["project_id"], base["office"]
    school = add_pool(project_id, "助学基金", categories=["education"])
    fill_pool(school, 60_000)
    give(project_id, 100_000)
    expiring = list_need(office, project_id, 120_000, category="education", lister=admin)
    gift = give(project_id, 20_000, listing_id=expiring)
    _approve_next_proposal(project_id)
    # Restricted money was spent first: ¥600 from the school pool, ¥400 general.
    assert (pool_balance(school), pool_balance(base["pool"])) == (0, 60_000)
    assert apply_refund(fresh(Donation, gift), "re_test_alloc", 20_000)
    db.session.commit()
    _past_deadline(expiring)

    close_expired_and_cancelled()

    assert (pool_balance(school), pool_balance(base["pool"])) == (60_000, 100_000)
    assert _redirects() == {
        f"redirect:{expiring}:pool:{school}",
        f"redirect:{expiring}:pool:{base['pool']}",
    }
    assert need_balance(expiring) == 0
    report = check_ledger()
    assert report.ok, report.problems


def test_cancelling_a_need_closes_its_listing_in_the_same_transaction(base):
    admin, project_id, office = base["admin"], base["project_id"], base["office"]
    listing_id = list_need(office, project_id, 100_000, lister=admin)
    donor = make_donor()
    gift = give(project_id, 25_000, listing_id=listing_id, donor_id=donor)
    cancel_need(user(office.author_id), fresh(NeedListing, listing_id).need_id, "本人已获其他救助")

    # The lifecycle signal closed it: the hourly job finds nothing left to do.
    assert close_expired_and_cancelled() == 0

    assert fresh(NeedListing, listing_id).status == ListingStatus.CLOSED
    assert need_status(listing_id) == NeedStatus.CANCELLED
    assert fresh(Donation, gift).to_pool_fen == 25_000
    assert pool_balance(base["pool"]) == 25_000
    assert _redirects() == {f"redirect:{listing_id}:{gift}:pool"}
    assert outbox("need_closed") == {gift: donor}
    assert check_ledger().ok


def test_only_unfunded_needs_past_their_deadline_expire(base):
    admin, project_id, office = base["admin"], base["project_id"], base["office"]
    empty = list_need(office, project_id, 100_000, lister=admin)
    due_today = list_need(office, project_id, 100_000, lister=admin)
    funded = list_need(office, project_id, 10_000, lister=admin)
    give(project_id, 10_000, listing_id=funded)
    _past_deadline(empty)
    _past_deadline(due_today, days=0)
    _past_deadline(funded)

    assert close_expired_and_cancelled() == 1

    assert fresh(NeedListing, empty).status == ListingStatus.CLOSED
    assert need_status(empty) == NeedStatus.EXPIRED
    assert fresh(NeedListing, due_today).status == ListingStatus.PUBLISHED
    assert (fresh(NeedListing, funded).status, need_status(funded)) == (
        ListingStatus.FUNDED,
        NeedStatus.FUNDED,
    )
    assert _redirects() == set()
    assert check_ledger().ok
    [expired] = audit_events(AuditAction.NEED_EXPIRED)
    assert (expired.object_id, expired.actor_label) == (
        str(fresh(NeedListing, empty).need_id),
        "need-closing",
    )
