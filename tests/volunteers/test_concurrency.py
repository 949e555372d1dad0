"""Capacity and overlap hold when sign-ups arrive at the same moment (PostgreSQL).

The rolled-back-transaction harness shares one connection, so it cannot race: these
tests build a scratch database by running the migrations, commit their data for
real, and sign up from several threads, each with its own app context, session and
connection. A start barrier lines the sign-ups up; then each sign-up, once it has
counted the places (or looked for overlaps), waits briefly for the others to have
done so too: without row locks they would all count the same free places; with them
the others are still waiting for the lock, the rendezvous gives up, and each counts
what the one before it left.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import suppress
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select

from core.db import db
from core.errors import DomainError
from tests.conftest import make_app
from tests.live import scratch_database
from tests.volunteers.factories import make_approved_volunteer, make_setting
from volunteers.programmes import signups
from volunteers.programmes.models import Signup, SignupStatus
from volunteers.vetting import services as vetting
from volunteers.vetting.services import Outcome

pytestmark = pytest.mark.postgres_only

TIMEOUT_S = 60
RENDEZVOUS_S = 0.7
CUTOFF = timedelta(hours=24)


@pytest.fixture()
def scratch_app() -> Iterator[Flask]:
    with scratch_database("vol_race") as url:
        app = make_app(SQLALCHEMY_DATABASE_URI=url)
        try:
            with app.app_context():
                upgrade()
            yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def _meeting_after(monkeypatch: pytest.MonkeyPatch, name: str, parties: int) -> None:
    """Make `signups.<name>` wait, once it has read, for the other threads to read too."""
    original: Callable[..., Any] = getattr(signups, name)
    met = threading.Barrier(parties, timeout=RENDEZVOUS_S)

    def read_then_meet(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        with suppress(threading.BrokenBarrierError):
            met.wait()
        return result

    monkeypatch.setattr(signups, name, read_then_meet)


def _race(app: Flask, jobs: list[Callable[[], object]]) -> list[str]:
    start = threading.Barrier(len(jobs), timeout=TIMEOUT_S)
    outcomes: list[str] = [""] * len(jobs)

    def run(index: int, job: Callable[[], object]) -> None:
        with app.app_context():
            try:
                db.session.rollback()
                start.wait()
                result = job()
                outcomes[index] = str(getattr(result, "status", "done"))
            except DomainError as error:
                db.session.rollback()
                outcomes[index] = f"refused: {error.message}"
            except Exception as error:  # reported below, not lost in the thread
                db.session.rollback()
                outcomes[index] = f"error: {error!r}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT_S)
    assert not any(thread.is_alive() for thread in threads), "a sign-up hung"
    return outcomes


def test_concurrent_sign_ups_never_overfill_a_shift(scratch_app, monkeypatch):
    with scratch_app.app_context():
        shift = make_setting().shift(capacity=2)
        shift_id, public_id = shift.id, shift.public_id
        volunteers = [make_approved_volunteer().id for _ in range(6)]
        db.session.remove()
    _meeting_after(monkeypatch, "confirmed_count", len(volunteers))

    outcomes = _race(
        scratch_app,
        [functools.partial(signups.sign_up, v, public_id, cutoff=CUTOFF) for v in volunteers],
    )

    assert sorted(outcomes) == ["confirmed"] * 2 + ["waitlisted"] * 4, outcomes
    with scratch_app.app_context():
        statuses = list(
            db.session.scalars(select(Signup.status).where(Signup.shift_id == shift_id))
        )
        assert statuses.count(SignupStatus.CONFIRMED) == 2
        db.session.remove()


def test_concurrent_overlapping_sign_ups_of_one_volunteer_keep_one(scratch_app, monkeypatch):
    with scratch_app.app_context():
        first, second = make_setting(), make_setting()
        a = first.shift(starts_in=timedelta(days=3)).public_id
        b = second.shift(starts_in=timedelta(days=3, hours=1)).public_id
        volunteer_id = make_approved_volunteer().id
        db.session.remove()
    _meeting_after(monkeypatch, "_overlapping", 2)

    outcomes = _race(
        scratch_app,
        [
            lambda: signups.sign_up(volunteer_id, a, cutoff=CUTOFF),
            lambda: signups.sign_up(volunteer_id, b, cutoff=CUTOFF),
        ],
    )

    assert sorted(outcomes) == [
        "confirmed",
        "refused: You have signed up for another shift at the same time.",
    ], outcomes


def test_a_sign_up_racing_a_suspension_does_not_survive_it(scratch_app, monkeypatch):
    with scratch_app.app_context():
        setting = make_setting()
        public_id = setting.shift(starts_in=timedelta(days=3)).public_id
        coordinator_id = setting.coordinator.id
        volunteer_id = make_approved_volunteer().id
        db.session.remove()

    def suspend() -> object:
        from core.users import User

        coordinator = db.session.get_one(User, coordinator_id)
        return vetting.decide(coordinator, volunteer_id, Outcome.SUSPEND, "违反守则")

    outcomes = _race(
        scratch_app,
        [lambda: signups.sign_up(volunteer_id, public_id, cutoff=CUTOFF), suspend],
    )

    assert not any(o.startswith("error") for o in outcomes), outcomes
    with scratch_app.app_context():
        active = list(
            db.session.scalars(
                select(Signup.status).where(
                    Signup.volunteer_id == volunteer_id,
                    Signup.status.in_([SignupStatus.CONFIRMED, SignupStatus.WAITLISTED]),
                )
            )
        )
        assert active == []
        db.session.remove()
