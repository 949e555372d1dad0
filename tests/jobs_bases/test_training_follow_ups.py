"""After the class: employment follow-ups at 3 and 6 months (tasks for the office, each
recorded once, not before it is due), a trainee leaving a running course, the partner
account's access lasting as long as its courses, and anonymisation removing notes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from core.audit_actions import AuditAction
from core.db import db
from core.errors import Conflict, NotFound, ValidationFailed
from core.people import retention
from core.people.models import Person, PersonStatus
from core.tasks.models import Task
from core.users import Role
from jobs_bases.consent.models import SharedField
from jobs_bases.partners.services import link_account
from jobs_bases.training import applications, classes, offers, outcomes
from jobs_bases.training.models import (
    Application,
    Enrolment,
    EnrolmentStatus,
    Outcome,
)
from jobs_bases.training.outcomes import months_after
from portal.jobs import run_job, scheduled_jobs
from tests.factories import audit_events, fresh, make_unit, make_user
from tests.jobs_bases.factories import make_partner, make_partner_user
from tests.jobs_bases.training_factories import (
    TODAY,
    add_sessions,
    at,
    make_course,
    make_desk,
    make_round,
    offer_of,
    publish,
)

AFTER_DEADLINE = at(TODAY + timedelta(days=11))


@pytest.fixture()
def finished(ctx):
    """A closed course with one trainee who completed it."""
    desk = make_desk()
    partner = make_partner()
    training_round = make_round(desk.admin)
    course = make_course(training_round, partner, admin=desk.admin, seats=1)
    [session] = add_sessions(course, 1, desk.admin)
    application = desk.apply(desk.person(), [course])
    publish(desk.admin, training_round.id, AFTER_DEADLINE)
    enrolment = offers.accept_offer(
        desk.officer, offer_of(application, course.id).id, [SharedField.NAME], now=AFTER_DEADLINE
    )
    trainer = make_partner_user(partner)
    classes.record_attendance(trainer, session.id, [enrolment.id], now=at(course.ends_on))
    classes.record_exam(trainer, enrolment.id, True, now=at(course.ends_on))
    classes.close_course(trainer, course.id, now=at(course.ends_on, 17))
    return desk, course, enrolment.id, application


def test_follow_up_tasks_open_when_due_for_the_persons_office(finished):
    desk, course, _enrolment_id, _application = finished
    three = months_after(course.ends_on, 3)

    assert outcomes.open_outcome_tasks(three - timedelta(days=1)) == 0
    assert outcomes.open_outcome_tasks(three) == 1
    assert outcomes.open_outcome_tasks(three) == 1  # the same task, not a second
    [task] = db.session.scalars(select(Task).where(Task.kind == "training_outcome")).all()
    assert task.assignee_role == Role.OFFICER and task.scope_unit_id == desk.office.id
    assert task.title_params["months"] == 3 and "name" not in task.title_params
    assert outcomes.open_outcome_tasks(months_after(course.ends_on, 6)) == 2


def test_a_follow_up_is_recorded_once_and_not_before_it_is_due(finished):
    desk, course, enrolment_id, _application = finished
    three = months_after(course.ends_on, 3)

    with pytest.raises(ValidationFailed) as early:
        outcomes.record_outcome(
            desk.officer, enrolment_id, 3, True, now=at(three - timedelta(days=1))
        )
    assert early.value.params == {"months": 3, "date": three.isoformat()}
    with pytest.raises(ValidationFailed):
        outcomes.record_outcome(desk.officer, enrolment_id, 4, True, now=at(three))
    outcomes.record_outcome(desk.officer, enrolment_id, 3, False, now=at(three))
    with pytest.raises(Conflict):
        outcomes.record_outcome(desk.officer, enrolment_id, 3, True, now=at(three))
    stranger = make_user(Role.OFFICER, make_unit(town="水口镇"))
    with pytest.raises(NotFound):
        outcomes.record_outcome(
            stranger, enrolment_id, 6, True, now=at(three + timedelta(days=200))
        )


def test_anonymisation_removes_the_office_notes(finished):
    desk, course, enrolment_id, application_id = finished
    three = months_after(course.ends_on, 3)
    outcomes.record_outcome(desk.officer, enrolment_id, 3, True, "某电器维修店", now=at(three))
    db.session.get_one(Application, application_id).note = "家属联系：李女士"
    person_id = fresh(Enrolment, enrolment_id).person_id
    retention.end_case(desk.officer, person_id, TODAY)
    db.session.execute(
        update(Person).where(Person.id == person_id).values(ended_on=TODAY - timedelta(days=800))
    )
    db.session.commit()

    assert retention.anonymise_ended(1) == 1

    assert fresh(Application, application_id).note == ""
    assert db.session.scalar(select(Outcome.note)) == ""
    # A judged course stays on record; the certificate still checks (masked name gone).
    assert fresh(Enrolment, enrolment_id).status == EnrolmentStatus.COMPLETED
    assert fresh(Person, person_id).status == PersonStatus.ENDED


def test_a_trainee_who_leaves_before_the_start_frees_the_seat(ctx):
    desk = make_desk()
    training_round = make_round(desk.admin)
    course = make_course(training_round, admin=desk.admin, seats=1)
    first = desk.apply(desk.person(), [course], now=at(TODAY, 9))
    second = desk.apply(desk.person(), [course], now=at(TODAY, 10))
    publish(desk.admin, training_round.id, AFTER_DEADLINE)
    enrolment = offers.accept_offer(desk.officer, offer_of(first, course.id).id, now=AFTER_DEADLINE)

    offers.withdraw_enrolment(desk.officer, enrolment.id, now=AFTER_DEADLINE)

    assert fresh(Enrolment, enrolment.id).status == EnrolmentStatus.WITHDRAWN
    assert offer_of(second, course.id).status == "open"
    assert audit_events(AuditAction.TRAINING_ENROLMENT_WITHDRAW, enrolment.id)
    with pytest.raises(Conflict):
        offers.withdraw_enrolment(desk.officer, enrolment.id, now=AFTER_DEADLINE)


def test_a_partner_account_lasts_as_long_as_its_courses(ctx):
    desk = make_desk()
    partner = make_partner()
    course = make_course(make_round(desk.admin), partner, admin=desk.admin)
    account = make_partner_user(make_partner())

    link_account(desk.admin, account.id, partner_id=partner.id)

    assert fresh(type(account), account.id).access_until == course.ends_on


def test_an_application_whose_course_was_judged_stays_on_record(finished):
    desk, _course, _enrolment_id, application_id = finished

    with pytest.raises(Conflict):
        applications.withdraw_application(desk.officer, application_id)


def test_the_training_job_is_scheduled_and_opens_due_follow_ups(app, finished, monkeypatch):
    _desk, course, _enrolment_id, _application_id = finished
    [job] = [job for job in scheduled_jobs(app) if job.name == "training"]
    monkeypatch.setattr(
        outcomes, "local_today", lambda: months_after(course.ends_on, 3) + timedelta(days=1)
    )

    run_job(app, job)

    assert job.interval_s(app.config) == 900
    assert db.session.scalar(select(Task).where(Task.kind == "training_outcome")) is not None
