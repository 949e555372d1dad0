"""Who may take a course: the course's rules against one person, with the reason a
refusal can show. Used when an application is entered and again when a freed seat is
offered down a waitlist."""

from __future__ import annotations

from datetime import date

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.db import db
from core.people.models import Person, PersonKind, PersonStatus
from core.privacy import age_on
from jobs_bases.training.models import Course, Enrolment, EnrolmentStatus


def completed_trades(person_id: int) -> set[str]:
    """Trades of the courses the person completed."""
    return set(
        db.session.scalars(
            select(Course.trade)
            .join(Enrolment, Enrolment.course_id == Course.id)
            .where(Enrolment.person_id == person_id, Enrolment.status == EnrolmentStatus.COMPLETED)
        )
    )


def person_refusal(person: Person) -> LazyString | None:
    if person.status != PersonStatus.ACTIVE:
        return _l("The person's case is not active.")
    return None


def course_refusal(person: Person, course: Course, trades: set[str]) -> LazyString | None:
    """Why this person may not take this course (None: they may). Deadlines aside."""
    if person.kind not in course.eligible_kinds:
        if course.eligible_kinds == [PersonKind.CORRECTION]:
            return _l("this course takes only people under community correction")
        return _l("this course takes only people in post-release resettlement")
    age = age_on(person.birth_date, course.starts_on)
    if course.min_age is not None and age < course.min_age:
        return _l(
            "the person will be %(age)s on the first day, below the lowest age of %(low)s",
            age=age,
            low=course.min_age,
        )
    if course.max_age is not None and age > course.max_age:
        return _l(
            "the person will be %(age)s on the first day, above the highest age of %(high)s",
            age=age,
            high=course.max_age,
        )
    if course.exclude_if_completed and course.trade in trades:
        return _l("the person already completed a %(trade)s course", trade=course.trade)
    return None


def deadline_refusal(course: Course, today: date) -> LazyString | None:
    if today > course.apply_by:
        return _l("applications closed on %(date)s", date=course.apply_by.isoformat())
    return None
