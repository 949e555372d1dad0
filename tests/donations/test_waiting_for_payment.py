"""The long poll: `GET /api/mp/v1/donations/{id}?wait=` answers when the payment has been
booked, in one request, and waiting never takes more threads than it is given."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from core.db import db
from donations.api.tokens import issue_token
from donations.donors.models import Donor
from donations.giving import waiting
from donations.giving.models import Donation
from tests.donations.conftest import LiveStack, a_project_and_donor, ended, pay, start
from tests.sandboxes.conftest import payments_wait_until


def _token(donor_id: str) -> str:
    token: str = ended(lambda: issue_token(db.session.get_one(Donor, donor_id)))
    return token


def _ask(live: LiveStack, token: str, donation_id: str, query: str) -> httpx.Response:
    with httpx.Client(base_url=live.server_url, timeout=30) as http:
        return http.get(
            f"/api/mp/v1/donations/{donation_id}{query}",
            headers={"Authorization": f"Bearer {token}"},
        )


@pytest.fixture()
def slots(live: LiveStack) -> Iterator[None]:
    """A known number of waiting slots, in a process of their own (a new pid's worth)."""
    saved = live.app.config["DONATION_WAIT_SLOTS"]
    live.app.config["DONATION_WAIT_SLOTS"] = 2
    waiting.reset()
    yield
    live.app.config["DONATION_WAIT_SLOTS"] = saved
    waiting.reset()


def test_a_waiting_ask_is_answered_with_the_booked_payment(live, slots):
    project_id, donor_id = a_project_and_donor()
    donation = start(live, donor_id, project_id, 3_000)
    token = _token(donor_id)

    with ThreadPoolExecutor(1) as pool:
        asked = pool.submit(_ask, live, token, donation.id, "?wait=10")
        # The live server runs in this process: its waiting request is seen here.
        payments_wait_until(lambda: waiting.waiters.count() == 1, what="the ask to wait")
        assert pay(live, donation).status_code == 200
        answer = asked.result(timeout=30)

    # One request, sent before the payment: it waited for the webhook to be booked.
    assert answer.status_code == 200
    assert answer.json()["status"] == "succeeded"
    assert answer.json()["certificate_number"]


def test_without_wait_or_when_settled_the_answer_is_immediate(live, slots):
    project_id, donor_id = a_project_and_donor()
    donation = start(live, donor_id, project_id, 3_000)
    token = _token(donor_id)

    assert _ask(live, token, donation.id, "").json()["status"] == "pending"
    assert _ask(live, token, donation.id, "?wait=0").json()["status"] == "pending"


def test_when_every_slot_is_taken_the_answer_comes_at_once(live, slots):
    """Two requests may wait; a third is answered at once, pending, so waiting can never
    take the threads that book payments."""
    project_id, donor_id = a_project_and_donor()
    donations = [start(live, donor_id, project_id, 1_000 + i) for i in range(3)]
    token = _token(donor_id)
    release = threading.Event()
    original = waiting.Waiters.watching

    def held(self: waiting.Waiters, donation_id: str) -> Any:
        entered.release()
        release.wait(30)  # hold the slot until the third ask has been answered
        return original(self, donation_id)

    entered = threading.Semaphore(0)
    with pytest.MonkeyPatch.context() as patch, ThreadPoolExecutor(2) as pool:
        patch.setattr(waiting.Waiters, "watching", held)
        holders = [pool.submit(_ask, live, token, d.id, "?wait=1") for d in donations[:2]]
        assert entered.acquire(timeout=30) and entered.acquire(timeout=30)
        third = _ask(live, token, donations[2].id, "?wait=10")
        release.set()
        answers = [h.result(timeout=30) for h in holders]

    assert third.status_code == 200 and third.json()["status"] == "pending"
    assert third.headers["Retry-After"] == "1"  # busy: ask again in a second
    assert all(a.status_code == 200 and a.json()["status"] == "pending" for a in answers)
    assert all("Retry-After" not in a.headers for a in answers)  # they waited their time


@pytest.mark.parametrize("wait", ["x", "-1", "11", "1.5", "２"])
def test_a_wait_outside_0_to_10_whole_seconds_is_refused(live, wait):
    project_id, donor_id = a_project_and_donor()
    donation = start(live, donor_id, project_id, 3_000)

    answer = _ask(live, _token(donor_id), donation.id, f"?wait={wait}")

    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid_field"
    assert "wait" in answer.json()["error"]["message"]


def test_an_announcement_wakes_waiters_after_commit_and_not_after_rollback(live):
    with (
        waiting.waiters.watching("d-commit") as committed,
        waiting.waiters.watching("d-rollback") as rolled_back,
    ):
        db.session.scalar(select(func.count()).select_from(Donor))
        waiting.announce("d-rollback")
        db.session.rollback()
        db.session.scalar(select(func.count()).select_from(Donor))
        waiting.announce("d-commit")
        assert not committed.is_set()  # not before the commit
        db.session.commit()

        assert committed.is_set()
        assert not rolled_back.is_set()
    assert waiting.waiters.count() == 0


@pytest.mark.postgres_only
def test_a_notify_from_another_process_wakes_this_processs_waiters(live, slots):
    """What another portal process's commit sends: PostgreSQL delivers it to the listener."""
    assert waiting._slots() is not None  # starts this process's listener
    with waiting.waiters.watching("from-elsewhere") as woken:
        with db.engine.connect() as other:
            # Until the listener has subscribed a notice may go unheard: send until heard.
            for _ in range(100):
                other.execute(select(func.pg_notify(waiting.CHANNEL, "from-elsewhere")))
                other.commit()
                if woken.wait(0.2):
                    break
        assert woken.is_set()


def test_a_change_nobody_announced_is_still_found_by_looking_again(live, slots):
    """Another process's commit on SQLite announces nothing here (nor a listener that is
    reconnecting on PostgreSQL): the waiter looks at the database again and answers."""
    project_id, donor_id = a_project_and_donor()
    donation = start(live, donor_id, project_id, 3_000)
    token = _token(donor_id)

    with ThreadPoolExecutor(1) as pool:
        asked = pool.submit(_ask, live, token, donation.id, "?wait=10")
        payments_wait_until(lambda: waiting.waiters.count() == 1, what="the ask to wait")
        with db.engine.begin() as elsewhere:  # not the session: no announcement
            elsewhere.execute(
                update(Donation).where(Donation.id == donation.id).values(status="failed")
            )
        answer = asked.result(timeout=30)

    assert answer.json()["status"] == "failed"
