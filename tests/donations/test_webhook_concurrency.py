"""Races that only PostgreSQL's row locks settle: the same event delivered twice at the same
moment, and two gifts to one need paid at the same moment. (On SQLite every writer waits
for one write lock, so there is no race to test.)"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from core.db import db
from donations.giving.events import apply_event
from donations.giving.models import Donation
from donations.payments.signature import sign
from donations.projects.models import NeedListing
from tests.donations.conftest import (
    LIVE_WEBHOOK_SECRET,
    WEBHOOK_PATH,
    LiveStack,
    donation_state,
    ended,
    ledger_ok,
    on_stack,
    running_live_stack,
)
from tests.donations.factories import list_need, make_donation, make_project, succeeded_event
from tests.factories import fresh, make_office

pytestmark = pytest.mark.postgres_only


@pytest.fixture(scope="module")
def forged_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStack]:
    """A live stack of its own: these races book payments the provider never saw, which
    reconciliation rightly reports; they must not reach the books other tests reconcile."""
    with running_live_stack(tmp_path_factory.mktemp("forged"), "donations_forged") as stack:
        yield stack


@pytest.fixture()
def live(forged_stack: LiveStack) -> Iterator[LiveStack]:
    with on_stack(forged_stack) as stack:
        yield stack


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; their results, in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results


def test_the_same_event_posted_twice_at_once_is_booked_once(live: LiveStack):
    project_id = ended(make_project)
    donations = ended(lambda: [make_donation(project_id, 2_000 + i) for i in range(6)])

    with httpx.Client(base_url=live.server_url, timeout=30) as http:
        for donation in donations:
            body = json.dumps(succeeded_event(donation)).encode()
            headers = {
                "Stripe-Signature": sign(body, LIVE_WEBHOOK_SECRET),
                "Content-Type": "application/json",
            }

            def deliver(body: bytes = body, headers: dict[str, str] = headers) -> Any:
                return http.post(WEBHOOK_PATH, content=body, headers=headers)

            answers = at_once(deliver, deliver)

            assert [a.status_code for a in answers] == [200, 200]
            assert sorted(a.json()["outcome"] for a in answers) == ["applied", "duplicate"]
            state = donation_state(donation.id)
            assert (state["status"], state["entries"]) == ("succeeded", 1)
    assert ledger_ok() == (True, [])


def test_the_same_event_applied_by_webhook_and_reconciliation_at_once_is_booked_once(
    live: LiveStack,
):
    project_id = ended(make_project)
    donation = ended(lambda: make_donation(project_id, 9_900))
    event = succeeded_event(donation)

    def apply(via: str) -> Callable[[], str]:
        def call() -> str:
            with live.app.app_context():
                try:
                    return str(apply_event(event, via=via))
                finally:
                    db.session.remove()

        return call

    outcomes = at_once(apply("webhook"), apply("reconcile"))

    assert sorted(outcomes) == ["applied", "duplicate"]
    assert donation_state(donation.id)["entries"] == 1
    assert ledger_ok() == (True, [])


def test_two_gifts_overshooting_a_need_at_once_never_push_it_past_its_amount(live: LiveStack):
    project_id = ended(make_project)
    listing = ended(lambda: list_need(make_office(), project_id, 10_000))
    gifts = [ended(lambda: make_donation(project_id, 7_000, listing_id=listing)) for _ in range(2)]

    def apply(event: dict[str, Any]) -> Callable[[], str]:
        def call() -> str:
            with live.app.app_context():
                try:
                    return str(apply_event(event, via="webhook"))
                finally:
                    db.session.remove()

        return call

    outcomes = at_once(*(apply(succeeded_event(gift)) for gift in gifts))

    assert outcomes == ["applied", "applied"]

    def read() -> tuple[int, list[tuple[int, int, bool]]]:
        raised = fresh(NeedListing, listing).raised_fen
        splits = sorted(
            (d.to_need_fen, d.to_pool_fen, d.redirected_to_pool)
            for d in (fresh(Donation, gift.id) for gift in gifts)
        )
        return raised, splits

    raised, splits = ended(read)
    assert raised == 10_000
    assert splits == [(3_000, 4_000, True), (7_000, 0, False)]
    assert ledger_ok() == (True, [])
