"""Minors in mentoring: only a coordinator holding the juvenile permission brings them
into a run; only a volunteer with juvenile clearance is paired with one; and the
person's officer confirms the pair before it starts."""

from __future__ import annotations

from typing import Any

import pytest

from core.db import db
from core.errors import Conflict, NotFound
from core.orgs import OrgUnit
from core.tasks.services import open_tasks_for
from core.users import Role, User
from tests.factories import audit_events, make_user
from tests.pages import html
from tests.portal import test_web_harness as harness
from tests.volunteers.factories import make_coordinator, volunteer_login
from tests.volunteers.mentoring_factories import (
    Casework,
    excluded_rules,
    make_casework,
    make_mentee,
    make_mentor,
    make_pairing_coordinator,
    proposed,
    run_for,
)
from volunteers.accounts.models import Volunteer
from volunteers.mentoring import pairs, queries
from volunteers.mentoring.models import MentorPair, PairStatus
from volunteers.vetting import services as vetting
from volunteers.vetting.services import Step

web = harness.web


def _cleared_mentor(**overrides: Any) -> Volunteer:
    mentor = make_mentor(**overrides)
    vetting.record_step(make_coordinator(), mentor.id, Step.JUVENILE_CLEARANCE, "未成年人帮教培训")
    return mentor


def test_a_coordinator_without_the_juvenile_permission_runs_without_minors(ctx):
    casework = make_casework()
    minor = make_mentee(casework, minor=True)
    adult = make_mentee(casework)
    mentor = _cleared_mentor()
    mentor_2 = _cleared_mentor()

    run = run_for(make_pairing_coordinator(juvenile=False), mentor, mentor_2)
    mentees = {m["id"] for m in run.snapshot["mentees"]}
    assert adult in mentees and minor not in mentees
    assert run.with_minors is False
    assert all(m != minor for _v, m, *_ in run.snapshot["scores"] + run.snapshot["excluded"])

    with_permission = make_pairing_coordinator(juvenile=True)
    run = run_for(with_permission, mentor_2)
    assert minor in {m["id"] for m in run.snapshot["mentees"]}
    assert next(m for m in run.snapshot["mentees"] if m["id"] == minor)["is_minor"] is True
    assert proposed(run, minor) is not None


def test_a_minor_is_paired_only_with_a_cleared_volunteer(ctx):
    casework = make_casework()
    minor = make_mentee(casework, minor=True)
    plain = make_mentor()
    run = run_for(make_pairing_coordinator(juvenile=True), plain)
    assert excluded_rules(run, plain.id, minor) == ["no_juvenile_clearance"]


def _approved_minor_pair() -> tuple[Casework, Volunteer, User, MentorPair]:
    casework = make_casework()
    minor = make_mentee(casework, minor=True)
    mentor = _cleared_mentor()
    coordinator = make_pairing_coordinator(juvenile=True)
    pair = proposed(run_for(coordinator, mentor), minor)
    assert pair is not None and pair.is_minor
    pairs.approve_pair(coordinator, pair.id)
    return casework, mentor, coordinator, pair


def test_a_minors_pair_waits_for_the_officer_and_the_officer_is_told(ctx):
    casework, _mentor, _coordinator, pair = _approved_minor_pair()
    assert pair.status == PairStatus.AWAITING_OFFICER and pair.started_at is None
    tasks = [t for t in open_tasks_for(casework.officer) if t.kind == "mentoring_confirm"]
    assert len(tasks) == 1 and tasks[0].link == f"/volunteers/mentoring/pairs/{pair.id}"
    assert tasks[0].title_params["alias"].startswith("学员")
    assert queries.awaiting_confirmation_count(casework.officer) == 1

    pairs.confirm_pair(casework.officer, pair.id)
    confirmed = db_pair(pair.id)
    assert (
        confirmed.status == PairStatus.ACTIVE and confirmed.confirmed_by_id == casework.officer_id
    )
    assert confirmed.contact_officer_id == casework.officer_id
    assert [t for t in open_tasks_for(casework.officer) if t.kind == "mentoring_confirm"] == []
    assert audit_events("mentoring.pair_confirm", pair.id)[0].actor_id == casework.officer_id
    with pytest.raises(Conflict):
        pairs.confirm_pair(casework.officer, pair.id)


def db_pair(pair_id: int) -> MentorPair:
    return db.session.get_one(MentorPair, pair_id)


def test_the_volunteer_sees_a_minor_only_after_the_officer_confirms(web, ctx):
    casework, mentor, _coordinator, pair = _approved_minor_pair()
    public_id = pair.public_id
    volunteer_login(web, mentor.username)
    assert web.get(f"/v/mentee/{public_id}").status_code == 404
    assert "mentees-section" not in html(web.get("/v/"))
    pairs.confirm_pair(casework.officer, pair.id)
    assert web.get(f"/v/mentee/{public_id}").status_code == 200


def test_only_staff_with_the_juvenile_permission_see_or_decide_a_minors_pair(ctx):
    casework, _mentor, _coordinator, pair = _approved_minor_pair()
    plain_coordinator = make_pairing_coordinator(juvenile=False)
    with pytest.raises(NotFound):
        queries.view_pair(plain_coordinator, pair.id)
    assert queries.to_approve_count(plain_coordinator) == 0
    # An officer of the office without the permission cannot confirm it either.
    unit = db.session.get_one(OrgUnit, casework.unit_id)
    plain_officer = make_user(Role.OFFICER, unit, juvenile=False)
    with pytest.raises(NotFound):
        pairs.confirm_pair(plain_officer, pair.id)
    assert queries.awaiting_confirmation_count(plain_officer) == 0


def test_the_officer_may_refuse_a_minors_pair(ctx):
    casework, _mentor, _coordinator, pair = _approved_minor_pair()
    pairs.end_pair_as_staff(casework.officer, pair.id, "家长不同意")
    ended = db_pair(pair.id)
    assert ended.status == PairStatus.ENDED and ended.end_reason == "officer_declined"
    assert [t for t in open_tasks_for(casework.officer) if t.kind == "mentoring_confirm"] == []
    assert audit_events("mentoring.pair_end", pair.id)[0].detail["reason"] == "officer_declined"
