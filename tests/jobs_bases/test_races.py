"""Two staff at the same moment: the last place at a base, or two overlapping sessions of
one person at two bases. One wins, the other is refused; never both.

The rolled-back harness shares one connection and cannot race, so these tests build a
scratch PostgreSQL database by running the migrations and act from two threads, each
with its own app context, session and connection. Each use case, once it has read
what it checks (the base's busiest day, the person's sessions that day), waits briefly
for the other to have read it too: without the row locks both read the same state and
both succeed; with them the second is still waiting for the lock, the rendezvous gives
up, and the second reads what the first wrote.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import suppress
from datetime import time, timedelta
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, select

from core.db import db
from core.errors import Conflict
from core.timeutil import local_today
from core.users import Role, User
from jobs_bases.bases import hours as hours_service
from jobs_bases.bases import placements as placement_service
from jobs_bases.bases.hours import SessionInput, log_session
from jobs_bases.bases.models import BaseSession, Placement
from jobs_bases.bases.placements import PlacementInput, place_person
from tests.conftest import make_app
from tests.factories import make_person, make_unit, make_user
from tests.jobs_bases.factories import make_base_row, place
from tests.live import scratch_database

pytestmark = pytest.mark.postgres_only

TIMEOUT_S = 60
RENDEZVOUS_S = 1.5


@pytest.fixture()
def scratch_app() -> Iterator[Flask]:
    with scratch_database("bases_race") as url:
        app = make_app(SQLALCHEMY_DATABASE_URI=url)
        try:
            with app.app_context():
                upgrade()
            yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def _race(app: Flask, actor_id: int, calls: list[Callable[[User], Any]]) -> list[str]:
    start = threading.Barrier(len(calls), timeout=TIMEOUT_S)
    outcomes: list[str] = []

    def run(call: Callable[[User], Any]) -> None:
        with app.app_context():
            try:
                actor = db.session.get_one(User, actor_id)
                db.session.rollback()  # start the race with no transaction open
                start.wait()
                call(actor)
                outcomes.append("ok")
            except Conflict:
                db.session.rollback()
                outcomes.append("conflict")
            except Exception as error:  # reported below, not lost in the thread
                db.session.rollback()
                outcomes.append(f"error: {error!r}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT_S)
    assert not any(thread.is_alive() for thread in threads), "a use case hung"
    return sorted(outcomes)


def _meeting_after(read: Callable[..., Any]) -> Callable[..., Any]:
    met = threading.Barrier(2, timeout=RENDEZVOUS_S)

    def read_then_meet(*args: Any) -> Any:
        result = read(*args)
        with suppress(threading.BrokenBarrierError):
            met.wait()
        return result

    return read_then_meet


def test_two_placements_never_both_take_the_last_place(scratch_app, monkeypatch):
    with scratch_app.app_context():
        office = make_unit()
        officer = make_user(Role.OFFICER, office)
        first, second = make_person(officer, office), make_person(officer, office)
        base = make_base_row(capacity=1)
        ids = (officer.id, first.id, second.id, base.id)
        db.session.commit()
        db.session.remove()
    officer_id, first_id, second_id, base_id = ids
    monkeypatch.setattr(
        placement_service,
        "_busiest_day_count",
        _meeting_after(placement_service._busiest_day_count),
    )

    def placing(person_id: int) -> Callable[[User], Any]:
        return lambda actor: place_person(
            actor,
            PlacementInput(person_id, base_id, local_today(), local_today() + timedelta(days=30)),
        )

    outcomes = _race(scratch_app, officer_id, [placing(first_id), placing(second_id)])

    assert outcomes == ["conflict", "ok"]
    with scratch_app.app_context():
        placed = db.session.scalar(
            select(func.count()).select_from(Placement).where(Placement.base_id == base_id)
        )
        assert placed == 1
        db.session.remove()


def test_two_overlapping_sessions_of_one_person_are_never_both_logged(scratch_app, monkeypatch):
    with scratch_app.app_context():
        office = make_unit()
        officer = make_user(Role.OFFICER, office)
        person = make_person(officer, office)
        here = place(officer, person, make_base_row())
        there = place(officer, person, make_base_row(town="水口镇"))
        ids = (officer.id, here.id, there.id)
        db.session.commit()
        db.session.remove()
    officer_id, here_id, there_id = ids
    monkeypatch.setattr(
        hours_service, "overlapping_session", _meeting_after(hours_service.overlapping_session)
    )
    day = local_today() - timedelta(days=1)

    def logging(placement_id: int, start: int) -> Callable[[User], Any]:
        return lambda actor: log_session(
            actor, placement_id, SessionInput(day, time(start), time(start + 2), "环境清洁")
        )

    outcomes = _race(scratch_app, officer_id, [logging(here_id, 9), logging(there_id, 10)])

    assert outcomes == ["conflict", "ok"]
    with scratch_app.app_context():
        logged = db.session.scalar(select(func.count()).select_from(BaseSession))
        assert logged == 1
        db.session.remove()
