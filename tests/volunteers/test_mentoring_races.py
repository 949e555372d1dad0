"""Mentoring decisions racing each other on PostgreSQL: two pairing runs at once propose a
person once; an approval racing the volunteer's suspension never leaves a suspended
volunteer with a running pair; two approvals for a volunteer with one place start one
pair. (The same scratch-database recipe as tests/volunteers/test_concurrency.py.)"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import suppress
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select

from core.db import db
from core.errors import DomainError
from tests.conftest import make_app
from tests.factories import user
from tests.live import scratch_database
from tests.volunteers.factories import make_coordinator
from tests.volunteers.mentoring_factories import (
    make_casework,
    make_mentee,
    make_mentor,
    make_pairing_coordinator,
    run_for,
)
from volunteers.mentoring import candidates, pairs, runs
from volunteers.mentoring.models import MentorPair, PairingRun, PairStatus
from volunteers.vetting import services as vetting
from volunteers.vetting.services import Outcome

pytestmark = pytest.mark.postgres_only

TIMEOUT_S = 60
RENDEZVOUS_S = 0.7


@pytest.fixture()
def scratch_app() -> Iterator[Flask]:
    with scratch_database("mentoring_race") as url:
        app = make_app(SQLALCHEMY_DATABASE_URI=url)
        try:
            with app.app_context():
                upgrade()
            yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def _meeting_after(monkeypatch: pytest.MonkeyPatch, module: Any, name: str, parties: int) -> None:
    """Make `module.<name>` wait, once it has read, for the other threads to read too."""
    original: Callable[..., Any] = getattr(module, name)
    met = threading.Barrier(parties, timeout=RENDEZVOUS_S)

    def read_then_meet(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        with suppress(threading.BrokenBarrierError):
            met.wait()
        return result

    monkeypatch.setattr(module, name, read_then_meet)


def _race(app: Flask, jobs: list[Callable[[], object]]) -> list[str]:
    start = threading.Barrier(len(jobs), timeout=TIMEOUT_S)
    outcomes: list[str] = [""] * len(jobs)

    def run(index: int, job: Callable[[], object]) -> None:
        with app.app_context():
            try:
                db.session.rollback()
                start.wait()
                job()
                outcomes[index] = "done"
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
    assert not any(thread.is_alive() for thread in threads), "a decision hung"
    return outcomes


def _run(coordinator_id: int, mentor_id: int) -> object:
    return runs.run_pairing(user(coordinator_id), volunteer_ids={mentor_id})


def _approve(coordinator_id: int, pair_id: int) -> object:
    return pairs.approve_pair(user(coordinator_id), pair_id)


def test_two_runs_at_once_propose_a_person_once(scratch_app, monkeypatch):
    with scratch_app.app_context():
        person_id = make_mentee(make_casework())
        mentor_id = make_mentor().id
        coordinators = [make_pairing_coordinator().id for _ in range(2)]
        db.session.remove()
    _meeting_after(monkeypatch, runs, "waiting_mentees", 2)

    outcomes = _race(
        scratch_app,
        [functools.partial(_run, c, mentor_id) for c in coordinators],
    )

    assert sorted(outcomes) == [
        "done",
        "refused: Another pairing run has just proposed some of these people. Look at the"
        " pairs to approve, then run again.",
    ], outcomes
    with scratch_app.app_context():
        proposals = db.session.scalars(
            select(MentorPair).where(MentorPair.person_id == person_id)
        ).all()
        assert len(proposals) == 1
        assert len(db.session.scalars(select(PairingRun)).all()) == 1
        db.session.remove()


def test_an_approval_racing_a_suspension_leaves_no_running_pair(scratch_app, monkeypatch):
    with scratch_app.app_context():
        person_id = make_mentee(make_casework())
        mentor = make_mentor()
        mentor_id = mentor.id
        coordinator = make_pairing_coordinator()
        run = run_for(coordinator, mentor)
        pair_id = db.session.scalars(
            select(MentorPair.id).where(
                MentorPair.run_id == run.id, MentorPair.person_id == person_id
            )
        ).one()
        coordinator_id, suspender_id = coordinator.id, make_coordinator().id
        db.session.remove()
    _meeting_after(monkeypatch, pairs, "broken_rules", 2)

    outcomes = _race(
        scratch_app,
        [
            lambda: pairs.approve_pair(user(coordinator_id), pair_id),
            lambda: vetting.decide(user(suspender_id), mentor_id, Outcome.SUSPEND, "违反守则"),
        ],
    )

    assert not any(o.startswith("error") for o in outcomes), outcomes
    with scratch_app.app_context():
        pair = db.session.get_one(MentorPair, pair_id)
        assert vetting.status_of(mentor_id) == "suspended"
        assert pair.status != PairStatus.ACTIVE, outcomes
        db.session.remove()


def test_two_approvals_for_one_place_start_one_pair(scratch_app, monkeypatch):
    with scratch_app.app_context():
        casework = make_casework()
        people = [make_mentee(casework), make_mentee(casework)]
        mentor = make_mentor()
        coordinator = make_pairing_coordinator()
        pairs.set_capacity(coordinator, mentor.id, 2)
        run = run_for(coordinator, mentor)
        proposal_ids = list(
            db.session.scalars(select(MentorPair.id).where(MentorPair.run_id == run.id))
        )
        assert len(proposal_ids) == 2
        pairs.set_capacity(coordinator, mentor.id, 1)
        coordinator_ids = [coordinator.id, make_pairing_coordinator().id]
        db.session.remove()
    _meeting_after(monkeypatch, candidates, "capacity_of", 2)
    monkeypatch.setattr(pairs, "capacity_of", candidates.capacity_of)

    outcomes = _race(
        scratch_app,
        [
            functools.partial(_approve, c, p)
            for c, p in zip(coordinator_ids, proposal_ids, strict=True)
        ],
    )

    assert sorted(outcomes) == ["done", "refused: The volunteer has no place left."], outcomes
    with scratch_app.app_context():
        statuses = [db.session.get_one(MentorPair, p).status for p in proposal_ids]
        assert sorted(statuses) == ["active", "proposed"]
        assert len(people) == 2
        db.session.remove()
