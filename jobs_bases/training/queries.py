"""The training lists: courses and applications, filtered by town, office, round and
status, keyset-paged with core's cursor codec (newest first). Reading only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from core.db import db
from core.paging import Page, cursor_codec
from core.people.models import Person, PersonStatus
from core.people.services import scoped_people
from core.timeutil import local_today
from core.towns import TOWN_NAMES
from core.users import User
from jobs_bases.training.models import (
    HOLDING,
    Application,
    ApplicationStatus,
    Course,
    CourseSession,
    Offer,
    RoundStatus,
    TrainingRound,
)
from jobs_bases.training.scope import course_clause, person_clause

T = TypeVar("T")
PER_PAGE = 25


def _page(query: Select[Any], id_column: Any, purpose: str, cursor: str | None) -> Page[Any]:
    """One page by descending id; a cursor not made by this list raises InvalidCursor."""
    codec = cursor_codec(purpose)
    if cursor:
        (last_id,) = codec.decode(cursor, int)
        query = query.where(id_column < last_id)
    rows = list(db.session.execute(query.order_by(id_column.desc()).limit(PER_PAGE + 1)).all())
    more = len(rows) > PER_PAGE
    rows = rows[:PER_PAGE]
    last = rows[-1][0].id if rows else None
    return Page(rows, codec.encode(last) if more and last is not None else None)


@dataclass(frozen=True)
class CourseFilter:
    town: str | None = None
    round_id: int | None = None
    cursor: str | None = None

    def clean(self) -> CourseFilter:
        return CourseFilter(
            self.town if self.town in TOWN_NAMES else None, self.round_id, self.cursor
        )


@dataclass(frozen=True)
class CourseRow:
    course: Course
    held: int  # seats held by open or accepted offers
    sessions_today: int


def course_query(actor: User, filters: CourseFilter) -> Select[tuple[Course]]:
    """The courses `actor` may see (a partner: its own), filtered."""
    filters = filters.clean()
    query = select(Course).options(joinedload(Course.partner), joinedload(Course.round))
    query = query.where(course_clause(actor))
    if filters.town:
        query = query.where(Course.town == filters.town)
    if filters.round_id is not None:
        query = query.where(Course.round_id == filters.round_id)
    return query


def seats_held(course_ids: list[int]) -> dict[int, int]:
    """Seats held by open or accepted offers, per course."""
    return {
        course_id: count
        for course_id, count in db.session.execute(
            select(Offer.course_id, func.count())
            .where(Offer.course_id.in_(course_ids), Offer.status.in_(HOLDING))
            .group_by(Offer.course_id)
        )
    }


def course_page(actor: User, filters: CourseFilter) -> Page[CourseRow]:
    page = _page(course_query(actor, filters), Course.id, "training-courses", filters.cursor)
    ids = [row[0].id for row in page.items]
    held = seats_held(ids)
    today = {
        course_id: count
        for course_id, count in db.session.execute(
            select(CourseSession.course_id, func.count())
            .where(CourseSession.course_id.in_(ids), CourseSession.on_date == local_today())
            .group_by(CourseSession.course_id)
        )
    }
    return Page(
        [CourseRow(row[0], held.get(row[0].id, 0), today.get(row[0].id, 0)) for row in page.items],
        page.next_cursor,
    )


@dataclass(frozen=True)
class ApplicationFilter:
    round_id: int | None = None
    office_id: int | None = None
    town: str | None = None
    status: str | None = None
    cursor: str | None = None

    def clean(self) -> ApplicationFilter:
        return ApplicationFilter(
            self.round_id,
            self.office_id,
            self.town if self.town in TOWN_NAMES else None,
            self.status if self.status in tuple(ApplicationStatus) else None,
            self.cursor,
        )


def application_query(
    actor: User, filters: ApplicationFilter
) -> Select[tuple[Application, Person]]:
    """Applications of the people in the actor's scope, filtered."""
    filters = filters.clean()
    query = (
        select(Application, Person)
        .join(Person, Person.id == Application.person_id)
        .options(joinedload(Application.round))
        .where(person_clause(actor, Application.office_id))
    )
    if filters.round_id is not None:
        query = query.where(Application.round_id == filters.round_id)
    if filters.office_id is not None:
        query = query.where(Application.office_id == filters.office_id)
    if filters.town:
        query = query.where(Person.town == filters.town)
    if filters.status:
        query = query.where(Application.status == filters.status)
    return query


def application_page(actor: User, filters: ApplicationFilter) -> Page[tuple[Application, Person]]:
    """Applications of the people in the actor's scope; masked names are the template's."""
    query = application_query(actor, filters)
    page = _page(query, Application.id, "training-applications", filters.cursor)
    return Page([(row[0], row[1]) for row in page.items], page.next_cursor)


def sessions_on(actor: User, day: date) -> list[CourseSession]:
    """The sessions of the actor's courses on one day (a partner's home page)."""
    return list(
        db.session.scalars(
            select(CourseSession)
            .join(Course, Course.id == CourseSession.course_id)
            .options(joinedload(CourseSession.course))
            .where(course_clause(actor), CourseSession.on_date == day)
            .order_by(CourseSession.start_time, CourseSession.id)
        )
    )


def applicable_people(actor: User) -> list[Person]:
    """Active people in the actor's scope: whom an application may be entered for."""
    return list(
        db.session.scalars(
            scoped_people(actor).where(Person.status == PersonStatus.ACTIVE).order_by(Person.id)
        )
    )


def open_rounds_and_courses() -> tuple[list[TrainingRound], list[Course]]:
    """Rounds taking applications, and their courses (the application form's choices)."""
    rounds = list(
        db.session.scalars(
            select(TrainingRound)
            .where(TrainingRound.status == RoundStatus.OPEN)
            .order_by(TrainingRound.id.desc())
        )
    )
    courses = list(
        db.session.scalars(
            select(Course)
            .where(Course.round_id.in_([r.id for r in rounds]))
            .order_by(Course.round_id.desc(), Course.title)
        )
    )
    return rounds, courses
