"""Who sees and does what in training.

- Casework staff (admin, auditor, officers, social workers) see every course, and the
  applications, offers and enrolments of the people in their scope (minors only with
  the juvenile permission). Writers of their scope enter and answer for them.
- Course managers (admins, and casework writers whose scope covers every office) set up
  rounds and courses and run and publish allocations.
- A training partner sees its own partner's courses, their sessions and their enrolled
  trainees, and nothing else: every other page answers 404.
Everything outside answers NotFound, the same as a record that does not exist.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, select, true
from sqlalchemy.orm import InstrumentedAttribute

from core.db import db
from core.errors import NotFound, PermissionDenied
from core.orgs import all_offices
from core.people.models import Person
from core.users import Role, User, visible_office_ids
from jobs_bases.partners.services import linked_partner_id
from jobs_bases.training.models import Course

# Who may open the training pages at all.
TRAINING_ROLES = (
    Role.ADMIN,
    Role.AUDITOR,
    Role.OFFICER,
    Role.SOCIAL_WORKER,
    Role.TRAINING_PARTNER,
)


def covers_every_office(actor: User) -> bool:
    visible = visible_office_ids(actor)
    if visible is None:
        return True
    return {office.id for office in all_offices()} <= set(visible)


def is_manager(actor: User) -> bool:
    """Sets up rounds and courses and runs allocations: county-wide writers."""
    if actor.has_role(Role.ADMIN):
        return True
    return actor.may_write_casework and covers_every_office(actor)


def require_manager(actor: User) -> None:
    if not is_manager(actor):
        raise PermissionDenied("Only administrators and county-wide staff manage training.")


def require_casework_writer(actor: User) -> None:
    if not actor.may_write_casework:
        raise PermissionDenied("Your role cannot change case records.")


def person_clause(
    actor: User, office_column: ColumnElement[int] | InstrumentedAttribute[int]
) -> ColumnElement[bool]:
    """Rows of people the casework actor sees, on a query joined with Person."""
    if not actor.does_casework:
        return false()
    clauses: list[ColumnElement[bool]] = []
    offices = visible_office_ids(actor)
    if offices is not None:
        clauses.append(office_column.in_(offices) if offices else false())
    if not actor.may_see_minors:
        clauses.append(Person.is_minor.is_(False))
    return and_(true(), *clauses)


def sees_person_row(actor: User, office_id: int, is_minor: bool) -> bool:
    if not actor.does_casework:
        return False
    if is_minor and not actor.may_see_minors:
        return False
    offices = visible_office_ids(actor)
    return offices is None or office_id in offices


def partner_of(actor: User) -> int | None:
    """The partner a training-partner account speaks for; None for everyone else."""
    return linked_partner_id(actor)


def course_clause(actor: User) -> ColumnElement[bool]:
    """Courses the actor sees: all for casework staff, its own for a partner."""
    if actor.does_casework:
        return true()
    partner_id = partner_of(actor)
    if partner_id is None:
        return false()
    return Course.partner_id == partner_id


def visible_course(actor: User, course_id: int, *, lock: bool = False) -> Course:
    query = select(Course).where(Course.id == course_id, course_clause(actor))
    if lock:
        query = query.with_for_update()
    course = db.session.scalar(query)
    if course is None:
        raise NotFound("No such course.")
    return course


def runs_the_class(actor: User, course: Course) -> bool:
    """Records attendance, exams and completion: the course's partner, or an admin."""
    if actor.has_role(Role.ADMIN):
        return True
    return actor.has_role(Role.TRAINING_PARTNER) and partner_of(actor) == course.partner_id


def require_runs_the_class(actor: User, course: Course) -> None:
    if not runs_the_class(actor, course):
        raise NotFound("No such course.")
