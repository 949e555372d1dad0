"""Two people taking the last seat at the same moment: one gets it, never both.

The rolled-back-transaction harness shares one connection and cannot race, so these
tests build a scratch PostgreSQL database by running the migrations, commit their data
for real, and answer from two threads, each with its own app context, session and
connection. Each answer, once it has counted the seats taken, waits briefly for the
other to have counted too: without the course's row lock both would count the same
free seat and both would take it; with it the second is still waiting for the lock, the
rendezvous gives up, and the second counts the seat the first took.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import suppress
from datetime import timedelta

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, select

from core.db import db
from core.errors import Conflict
from core.users import User
from jobs_bases.training import courses, holding, offers
from jobs_bases.training.models import Course, Offer, OfferStatus
from tests.conftest import make_app
from tests.jobs_bases.training_factories import (
    TODAY,
    at,
    course_input,
    make_course,
    make_desk,
    make_round,
    offer_of,
    publish,
)
from tests.live import scratch_database

pytestmark = pytest.mark.postgres_only

TIMEOUT_S = 60
RENDEZVOUS_S = 1.5
AFTER_DEADLINE = at(TODAY + timedelta(days=11))


@pytest.fixture()
def scratch_app() -> Iterator[Flask]:
    with scratch_database("seat_race") as url:
        app = make_app(SQLALCHEMY_DATABASE_URI=url)
        try:
            with app.app_context():
                upgrade()
            yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def _race(app: Flask, monkeypatch, answers: list[Callable[[], object]]) -> list[str]:
    """Run the answers in two threads at once; what each ended with."""
    start = threading.Barrier(len(answers), timeout=TIMEOUT_S)
    counted = threading.Barrier(len(answers), timeout=RENDEZVOUS_S)
    real = holding.held_seats

    def count_then_meet(course_id: int, *, accepted_only: bool = False) -> int:
        taken = real(course_id, accepted_only=accepted_only)
        # The other answer may be waiting for our lock already, as it should.
        with suppress(threading.BrokenBarrierError):
            counted.wait()
        return taken

    monkeypatch.setattr(offers, "held_seats", count_then_meet)
    outcomes: list[str] = ["" for _ in answers]

    def run(index: int) -> None:
        with app.app_context():
            try:
                db.session.rollback()
                start.wait()
                answers[index]()
                outcomes[index] = "ok"
            except Conflict as refused:
                db.session.rollback()
                outcomes[index] = f"conflict: {refused.message}"
            except Exception as error:  # reported below, not lost in the thread
                db.session.rollback()
                outcomes[index] = f"error: {error!r}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(answers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT_S)
    assert not any(thread.is_alive() for thread in threads), "an answer hung"
    return outcomes


def test_two_acceptances_of_the_last_seat_never_both_succeed(scratch_app, monkeypatch):
    with scratch_app.app_context():
        desk = make_desk()
        training_round = make_round(desk.admin)
        course = make_course(training_round, admin=desk.admin, seats=2)
        first = desk.apply(desk.person(), [course])
        second = desk.apply(desk.person(), [course])
        publish(desk.admin, training_round.id, AFTER_DEADLINE)
        # The partner cut the class to one seat after both offers went out.
        data = course_input(course.round, course.partner, seats=1)
        data.title, data.trade = course.title, course.trade
        courses.save_course(desk.admin, course.id, data)
        offer_ids = [offer_of(first, course.id).id, offer_of(second, course.id).id]
        officer_id, course_id = desk.officer.id, course.id
        db.session.commit()
        db.session.remove()

    def accept(offer_id: int) -> Callable[[], object]:
        return lambda: offers.accept_offer(
            db.session.get_one(User, officer_id), offer_id, now=AFTER_DEADLINE
        )

    outcomes = _race(scratch_app, monkeypatch, [accept(o) for o in offer_ids])

    assert sorted(o.split(":")[0] for o in outcomes) == ["conflict", "ok"], outcomes
    assert any("last seat" in o for o in outcomes)
    with scratch_app.app_context():
        accepted = db.session.scalar(
            select(func.count())
            .select_from(Offer)
            .where(Offer.course_id == course_id, Offer.status == OfferStatus.ACCEPTED)
        )
        assert accepted == 1 == db.session.get_one(Course, course_id).seats


def test_two_seats_freed_at_once_go_to_two_people_once_each(scratch_app, monkeypatch):
    with scratch_app.app_context():
        desk = make_desk()
        training_round = make_round(desk.admin)
        course = make_course(training_round, admin=desk.admin, seats=2)
        people = [desk.apply(desk.person(), [course], now=at(TODAY, 9 + hour)) for hour in range(4)]
        publish(desk.admin, training_round.id, AFTER_DEADLINE)
        offer_ids = [offer_of(people[0], course.id).id, offer_of(people[1], course.id).id]
        officer_id, course_id = desk.officer.id, course.id
        db.session.commit()
        db.session.remove()

    def decline(offer_id: int) -> Callable[[], object]:
        return lambda: offers.decline_offer(
            db.session.get_one(User, officer_id), offer_id, now=AFTER_DEADLINE
        )

    outcomes = _race(scratch_app, monkeypatch, [decline(o) for o in offer_ids])

    assert outcomes == ["ok", "ok"]
    with scratch_app.app_context():
        holding = db.session.scalars(
            select(Offer.application_id).where(
                Offer.course_id == course_id, Offer.status == OfferStatus.OPEN
            )
        ).all()
        assert sorted(holding) == people[2:]
