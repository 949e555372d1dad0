"""What training adds to the dashboard: counts for staff (free seats, applications
waiting), a table per office (seats open, pending applications, and the funnel applied
-> enrolled -> completed -> employed), and a training partner's home (their courses,
today's sessions). Grouped queries, whatever the number of offices."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, distinct, func, select

from core.db import db
from core.orgs import OrgUnit, UnitKind
from core.people.models import Person
from core.tasks.services import open_task_count, soon
from core.timeutil import local_today
from core.users import User, visible_office_ids
from jobs_bases.training import notify
from jobs_bases.training.models import (
    HOLDING,
    Application,
    ApplicationStatus,
    Course,
    Enrolment,
    EnrolmentStatus,
    Offer,
    Outcome,
)
from jobs_bases.training.queries import sessions_on
from jobs_bases.training.scope import course_clause, person_clause

PENDING = (ApplicationStatus.SUBMITTED, ApplicationStatus.OFFERED)


@dataclass
class OfficeTraining:
    office_id: int
    office_name: str
    town: str
    seats_open: int = 0
    pending: int = 0
    applied: int = 0
    enrolled: int = 0
    completed: int = 0
    employed: int = 0


def _upcoming() -> ColumnElement[bool]:
    return (Course.closed_at.is_(None)) & (Course.starts_on > local_today())


def seats_open_by_town() -> dict[str, int]:
    """Seats of courses not started yet that no offer holds, by the course's town."""
    held = (
        select(Offer.course_id, func.count().label("n"))
        .where(Offer.status.in_(HOLDING))
        .group_by(Offer.course_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Course.town, func.sum(Course.seats - func.coalesce(held.c.n, 0)))
        .outerjoin(held, held.c.course_id == Course.id)
        .where(_upcoming())
        .group_by(Course.town)
    )
    return {town: max(int(total or 0), 0) for town, total in rows}


def seats_open(user: User) -> int:
    return sum(seats_open_by_town().values()) if user.does_casework else 0


def pending_applications(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Application)
            .join(Person, Person.id == Application.person_id)
            .where(Application.status.in_(PENDING), person_clause(user, Application.office_id))
        )
        or 0
    )


def office_rows(user: User) -> list[OfficeTraining]:
    offices_q = select(OrgUnit).where(OrgUnit.kind == UnitKind.OFFICE).order_by(OrgUnit.id)
    visible = visible_office_ids(user)
    if visible is not None:
        offices_q = offices_q.where(OrgUnit.id.in_(visible))
    rows = {o.id: OfficeTraining(o.id, o.name, o.town or "") for o in db.session.scalars(offices_q)}
    by_town = seats_open_by_town()
    for row in rows.values():
        row.seats_open = by_town.get(row.town, 0)
    scoped = person_clause(user, Application.office_id)
    for office_id, status, count in db.session.execute(
        select(Application.office_id, Application.status, func.count())
        .join(Person, Person.id == Application.person_id)
        .where(scoped, Application.office_id.in_(rows))
        .group_by(Application.office_id, Application.status)
    ):
        rows[office_id].applied += count
        if status in PENDING:
            rows[office_id].pending += count
    in_scope = person_clause(user, Enrolment.office_id)
    for office_id, status, count in db.session.execute(
        select(Enrolment.office_id, Enrolment.status, func.count())
        .join(Person, Person.id == Enrolment.person_id)
        .where(in_scope, Enrolment.office_id.in_(rows))
        .group_by(Enrolment.office_id, Enrolment.status)
    ):
        rows[office_id].enrolled += count
        if status == EnrolmentStatus.COMPLETED:
            rows[office_id].completed += count
    for office_id, count in db.session.execute(
        select(Enrolment.office_id, func.count(distinct(Enrolment.id)))
        .join(Person, Person.id == Enrolment.person_id)
        .join(Outcome, Outcome.enrolment_id == Enrolment.id)
        .where(in_scope, Enrolment.office_id.in_(rows), Outcome.employed.is_(True))
        .group_by(Enrolment.office_id)
    ):
        rows[office_id].employed = count
    return list(rows.values())


def office_panel(user: User) -> Mapping[str, Any] | None:
    if not user.does_casework:
        return None
    rows = office_rows(user)
    if not rows:
        return None
    totals = {
        key: sum(getattr(row, key) for row in rows)
        for key in ("seats_open", "pending", "applied", "enrolled", "completed", "employed")
    }
    return {"training_rows": rows, "training_totals": totals}


def partner_panel(user: User) -> Mapping[str, Any] | None:
    """A partner's home: their courses not closed yet, and today's sessions."""
    if user.does_casework:
        return None
    courses = list(
        db.session.scalars(
            select(Course)
            .where(course_clause(user), Course.closed_at.is_(None))
            .order_by(Course.starts_on, Course.id)
        )
    )
    return {"partner_courses": courses, "partner_sessions": sessions_on(user, local_today())}


def sessions_today(user: User) -> int:
    return len(sessions_on(user, local_today()))


def offers_expiring(user: User) -> int:
    """Open offers the officer's office must answer within the next days (their tasks)."""
    return open_task_count(user, notify.OFFER_TASK_KIND, soon(local_today()))
