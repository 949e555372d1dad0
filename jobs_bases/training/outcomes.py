"""Employment after training: 3 and 6 months after a course ends, the office of each
trainee who completed it gets a task to ask whether they work, and records the answer."""

from __future__ import annotations

import calendar
from datetime import date, datetime

from sqlalchemy import select

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.errors import Conflict, NotFound, ValidationFailed
from core.people.models import Person
from core.tasks.services import Assignee, close_tasks_for, create_task
from core.timeutil import local_today
from core.users import Role, User
from jobs_bases.training import notify
from jobs_bases.training.models import (
    FOLLOW_UP_MONTHS,
    Course,
    Enrolment,
    EnrolmentStatus,
    Outcome,
)
from jobs_bases.training.scope import require_casework_writer, sees_person_row


def months_after(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def follow_up_due(course: Course, months: int) -> date:
    return months_after(course.ends_on, months)


def open_outcome_tasks(today: date | None = None) -> int:
    """The periodic job's part: a task for each follow-up now due and not yet recorded
    (opening is idempotent while the task is open). Returns how many are open."""
    today = today or local_today()
    opened = 0
    rows = db.session.execute(
        select(Enrolment, Course)
        .join(Course, Course.id == Enrolment.course_id)
        .where(Enrolment.status == EnrolmentStatus.COMPLETED)
        .order_by(Enrolment.id)
    ).all()
    recorded = {
        (enrolment_id, months)
        for enrolment_id, months in db.session.execute(select(Outcome.enrolment_id, Outcome.months))
    }
    for enrolment, course in rows:
        for months in FOLLOW_UP_MONTHS:
            due = follow_up_due(course, months)
            if due > today or (enrolment.id, months) in recorded:
                continue
            create_task(
                kind="training_outcome",
                dedupe_key=notify.outcome_task_key(enrolment.id, months),
                title=notify.OUTCOME_TASK,
                title_params={"months": months, "alias": enrolment.alias, "course": course.title},
                link=notify.application_link(enrolment.application_id),
                assignee=Assignee.to_role(Role.OFFICER, enrolment.office_id),
                due_on=due,
            )
            opened += 1
    db.session.commit()
    return opened


def record_outcome(
    actor: User,
    enrolment_id: int,
    months: int,
    employed: bool,
    note: str = "",
    *,
    now: datetime | None = None,
    ip: str | None = None,
) -> Outcome:
    """Record whether a trainee works, at the 3- or 6-month follow-up (the person's
    office); from the day it is due; each follow-up once. One transaction."""
    require_casework_writer(actor)
    now = now or utcnow()
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise NotFound("No such trainee.")
    person = db.session.get_one(Person, enrolment.person_id)
    if not sees_person_row(actor, enrolment.office_id, person.is_minor):
        raise NotFound("No such trainee.")
    if enrolment.status != EnrolmentStatus.COMPLETED:
        raise Conflict("Follow-ups are for trainees who completed the course.")
    if months not in FOLLOW_UP_MONTHS:
        raise ValidationFailed("Choose the 3- or 6-month follow-up.", field="months")
    due = follow_up_due(enrolment.course, months)
    if local_today(now) < due:
        raise ValidationFailed(
            "The %(months)s-month follow-up is due on %(date)s.",
            field="months",
            months=months,
            date=due.isoformat(),
        )
    exists = db.session.scalar(
        select(Outcome.id).where(Outcome.enrolment_id == enrolment.id, Outcome.months == months)
    )
    if exists is not None:
        raise Conflict("The %(months)s-month follow-up is recorded already.", months=months)
    outcome = Outcome(
        enrolment_id=enrolment.id,
        months=months,
        employed=employed,
        note=note.strip()[:500],
        recorded_at=now,
        recorded_by_id=actor.id,
    )
    db.session.add(outcome)
    db.session.flush()
    close_tasks_for(notify.outcome_task_key(enrolment.id, months), closed_by=actor)
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.TRAINING_OUTCOME_RECORD,
        "training_enrolment",
        enrolment.id,
        office_id=enrolment.office_id,
        months=months,
        employed=employed,
    )
    db.session.commit()
    return outcome


def outcomes_of(enrolment_id: int) -> dict[int, Outcome]:
    return {
        outcome.months: outcome
        for outcome in db.session.scalars(
            select(Outcome).where(Outcome.enrolment_id == enrolment_id)
        )
    }
