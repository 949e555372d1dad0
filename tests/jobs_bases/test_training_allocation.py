"""Allocation runs: the engine in-process on a snapshot of the round, kept with its
input and output, reviewed with reasons naming the courses, and published as offers,
waitlists, tasks for the offices and notices in the outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.audit_actions import AuditAction
from core.db import db
from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.outbox import OutboxMessage
from core.tasks.models import Task
from core.users import Role
from jobs_bases.training import allocation, applications
from jobs_bases.training.models import (
    AllocationRun,
    Application,
    ApplicationStatus,
    Offer,
    OfferStatus,
    RoundStatus,
    RunStatus,
    WaitlistEntry,
)
from tests.factories import (
    audit_events,
    make_admin,
    make_county_staff,
    make_person,
    make_unit,
    make_user,
)
from tests.jobs_bases.training_factories import TODAY, at, make_course, make_desk, make_round

AFTER_DEADLINE = at(TODAY + timedelta(days=11))


@pytest.fixture()
def round_of_three(ctx):
    """Welding (1 seat) wanted by three; cooking (2 seats) as their second choice."""
    desk = make_desk()
    training_round = make_round(desk.admin)
    welding = make_course(training_round, admin=desk.admin, title="焊工培训班", seats=1)
    cooking = make_course(
        training_round, admin=desk.admin, title="中式烹调培训班", seats=2, town="三埠街道"
    )
    # Points: unemployed +3 for the first; the others are employed.
    ids = [
        desk.apply(desk.person(employment_status="unemployed"), [welding, cooking]),
        desk.apply(desk.person(employment_status="employed"), [welding, cooking]),
        desk.apply(desk.person(employment_status="employed"), [welding]),
    ]
    return desk, training_round, welding, cooking, ids


def test_a_run_keeps_its_input_and_output_and_changes_nothing_else(round_of_three):
    desk, training_round, welding, cooking, ids = round_of_three

    run = allocation.run_allocation(desk.admin, training_round.id, now=AFTER_DEADLINE)

    assert run.status == RunStatus.DRAFT
    assert [c["id"] for c in run.problem["courses"]] == [welding.id, cooking.id]
    first = run.problem["applicants"][0]
    assert first["id"] == ids[0] and first["preferences"] == [welding.id, cooking.id]
    # Unemployed, started 100 days ago, never trained; welding is in their town.
    assert first["points"] == 7 and first["course_points"] == {str(welding.id): 2}
    assert run.points[str(ids[0])]["parts"] == [
        ["unemployed", 3],
        ["recent_start", 2],
        ["never_trained", 2],
    ]
    got = {a["applicant_id"]: a["course_id"] for a in run.result["assignments"]}
    assert got == {ids[0]: welding.id, ids[1]: cooking.id, ids[2]: None}
    assert db.session.scalar(select(Offer.id)) is None
    assert all(
        db.session.get_one(Application, i).status == ApplicationStatus.SUBMITTED for i in ids
    )
    assert audit_events(AuditAction.TRAINING_ALLOCATION_RUN, run.id)


def test_the_review_names_courses_in_the_reasons(round_of_three):
    desk, training_round, _welding, _cooking, ids = round_of_three
    run = allocation.run_allocation(desk.admin, training_round.id, now=AFTER_DEADLINE)

    rows = {row.application_id: row for row in allocation.review(run)}

    assert rows[ids[0]].reason == "录取第1志愿（焊工培训班）。"
    assert rows[ids[1]].reason.startswith(
        "录取第2志愿（中式烹调培训班）：第1志愿（焊工培训班）名额已满"
    )
    assert "列候补第 1 位" in rows[ids[1]].reason
    assert rows[ids[2]].course_title is None and "未录取" in rows[ids[2]].reason
    assert rows[ids[2]].passed_over[0]["title"] == "焊工培训班"
    assert rows[ids[2]].passed_over[0]["waitlist_position"] == 2


def test_publishing_makes_offers_waitlists_tasks_and_notices(round_of_three):
    desk, training_round, welding, cooking, ids = round_of_three
    run = allocation.run_allocation(desk.admin, training_round.id, now=AFTER_DEADLINE)

    allocation.publish_run(desk.admin, run.id, now=AFTER_DEADLINE)

    assert db.session.get_one(AllocationRun, run.id).status == RunStatus.PUBLISHED
    assert training_round.status == RoundStatus.PUBLISHED
    offers = db.session.scalars(select(Offer).order_by(Offer.application_id)).all()
    assert [(o.application_id, o.course_id, o.choice_rank) for o in offers] == [
        (ids[0], welding.id, 1),
        (ids[1], cooking.id, 2),
    ]
    assert all(o.status == OfferStatus.OPEN for o in offers)
    # Seven days after the day of the offer, to midnight Shanghai time.
    assert offers[0].expires_at == at(TODAY + timedelta(days=19), hour=0)
    waitlist = db.session.scalars(
        select(WaitlistEntry).where(WaitlistEntry.course_id == welding.id).order_by("position")
    ).all()
    assert [(w.application_id, w.choice_rank) for w in waitlist] == [(ids[1], 1), (ids[2], 1)]
    statuses = [db.session.get_one(Application, i).status for i in ids]
    assert statuses == ["offered", "offered", "waitlisted"]
    tasks = db.session.scalars(select(Task).order_by(Task.id)).all()
    assert {t.kind for t in tasks} == {"training_offer", "training_waitlist"}
    assert all(t.assignee_role == Role.OFFICER and t.scope_unit_id == desk.office.id for t in tasks)
    notices = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.channel == "office_notice")
    ).all()
    assert len(notices) == 3 and {n.recipient for n in notices} == {str(desk.office.id)}
    assert all("name" not in n.data for n in notices)
    assert audit_events(AuditAction.TRAINING_ALLOCATION_PUBLISH, run.id)
    assert len(audit_events(AuditAction.TRAINING_OFFER_MADE)) == 2


def test_publishing_waits_for_every_deadline(round_of_three):
    desk, training_round, *_ = round_of_three
    run = allocation.run_allocation(desk.admin, training_round.id, now=at(TODAY))

    with pytest.raises(Conflict) as refused:
        allocation.publish_run(desk.admin, run.id, now=at(TODAY))

    assert "publish after that day" in refused.value.message
    db.session.rollback()
    assert db.session.scalar(select(Offer.id)) is None


def test_a_run_gone_stale_is_refused_and_a_round_publishes_once(round_of_three):
    desk, training_round, welding, _cooking, ids = round_of_three
    stale = allocation.run_allocation(desk.admin, training_round.id, now=AFTER_DEADLINE)
    applications.withdraw_application(desk.officer, ids[2])

    with pytest.raises(Conflict) as refused:
        allocation.publish_run(desk.admin, stale.id, now=AFTER_DEADLINE)
    assert "run the allocation again" in refused.value.message
    db.session.rollback()

    fresh = allocation.run_allocation(desk.admin, training_round.id, now=AFTER_DEADLINE)
    with pytest.raises(Conflict):
        allocation.publish_run(desk.admin, stale.id, now=AFTER_DEADLINE)
    db.session.rollback()
    allocation.publish_run(desk.admin, fresh.id, now=AFTER_DEADLINE)
    with pytest.raises(Conflict):
        allocation.run_allocation(desk.admin, training_round.id, now=AFTER_DEADLINE)
    with pytest.raises(Conflict):
        desk.apply(desk.person(), [welding])


def test_only_county_wide_staff_run_allocations(round_of_three):
    desk, training_round, *_ = round_of_three
    make_unit(town="水口镇")  # the officer's office is no longer the whole county

    with pytest.raises(PermissionDenied):
        allocation.run_allocation(desk.officer, training_round.id, now=AFTER_DEADLINE)


def test_an_allocation_needs_scope_over_every_applicant_minors_included(ctx):
    office = make_unit()
    officer = make_user(Role.OFFICER, office, juvenile=True)
    admin = make_admin()
    training_round = make_round(admin)
    course = make_course(training_round, admin=admin, min_age=14)
    minor = make_person(officer, office, minor=True)
    applications.apply(
        officer,
        applications.ApplicationInput(minor.id, training_round.id, [course.id]),
        now=at(TODAY),
    )
    county = make_county_staff(Role.SOCIAL_WORKER)  # every office, no juvenile permission

    with pytest.raises(PermissionDenied):
        allocation.run_allocation(county, training_round.id, now=AFTER_DEADLINE)
    assert allocation.run_allocation(admin, training_round.id, now=AFTER_DEADLINE).id


def test_an_empty_round_is_not_run(ctx):
    desk = make_desk()
    training_round = make_round(desk.admin)
    make_course(training_round, admin=desk.admin)

    with pytest.raises(ValidationFailed):
        allocation.run_allocation(desk.admin, training_round.id, now=AFTER_DEADLINE)
