"""Factories of skills training: rounds, courses with sessions, people who apply, and the
clock. Made through the real services, on whatever `db.session` is current.

Services take `now`, so a test walks a course's life (apply before the deadline, publish
after it, attend sessions, close it) without waiting: `at(day)` is 10:00 Shanghai time.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from core.db import db
from core.orgs import OrgUnit
from core.people.models import Person
from core.timeutil import SHANGHAI, local_today
from core.users import Role, User
from jobs_bases.partners.models import TrainingPartner
from jobs_bases.training import allocation, applications, courses
from jobs_bases.training.models import Course, CourseSession, Offer, TrainingRound
from tests.factories import TOWN_A, make_admin, make_person, make_unit, make_user
from tests.jobs_bases.factories import make_partner

_serial = itertools.count(1)
TODAY = local_today()


def at(day: date, hour: int = 10) -> datetime:
    """`day` at `hour` o'clock in Shanghai, as an aware UTC moment."""
    return datetime.combine(day, time(hour), SHANGHAI).astimezone(UTC)


def make_round(admin: User | None = None) -> TrainingRound:
    return courses.save_round(admin or make_admin(), None, f"2026年第{next(_serial)}期")


def course_input(
    training_round: TrainingRound, partner: TrainingPartner, **overrides: object
) -> courses.CourseInput:
    n = next(_serial)
    data = courses.CourseInput(
        round_id=training_round.id,
        partner_id=partner.id,
        title=f"电工培训班{n}",
        trade=f"电工{n}",
        seats=2,
        starts_on=TODAY + timedelta(days=30),
        ends_on=TODAY + timedelta(days=40),
        location="开平市高级技工学校实训楼",
        town=TOWN_A,
        apply_by=TODAY + timedelta(days=10),
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    return data


def make_course(
    training_round: TrainingRound,
    partner: TrainingPartner | None = None,
    admin: User | None = None,
    **overrides: object,
) -> Course:
    return courses.save_course(
        admin or make_admin(),
        None,
        course_input(training_round, partner or make_partner(), **overrides),
    )


def add_sessions(course: Course, count: int = 4, admin: User | None = None) -> list[CourseSession]:
    """`count` sessions on consecutive days from the first day, 09:00-12:00."""
    admin = admin or make_admin()
    return [
        courses.add_session(
            admin,
            course.id,
            courses.SessionInput(course.starts_on + timedelta(days=i), time(9), time(12), "实操"),
        )
        for i in range(count)
    ]


@dataclass
class Desk:
    """An office with an officer who enters applications, and an admin who manages."""

    office: OrgUnit
    officer: User
    admin: User

    def person(self, **overrides: Any) -> Person:
        overrides.setdefault("name", f"李{'一二三四五六七八九十'[next(_serial) % 10]}明")
        return make_person(self.officer, self.office, **overrides)

    def apply(self, person: Person, choices: list[Course], *, now: datetime | None = None) -> int:
        training_round = choices[0].round_id
        return applications.apply(
            self.officer,
            applications.ApplicationInput(person.id, training_round, [c.id for c in choices]),
            now=now or at(TODAY),
        ).id


def make_desk(town: str = TOWN_A) -> Desk:
    office = make_unit(town=town)
    return Desk(office, make_user(Role.OFFICER, office), make_admin())


def publish(admin: User, round_id: int, when: datetime) -> int:
    """Run the allocation and publish it at `when` (after the deadlines); the run's id."""
    run = allocation.run_allocation(admin, round_id, now=when)
    return allocation.publish_run(admin, run.id, now=when).id


def offer_of(application_id: int, course_id: int) -> Offer:
    found = db.session.scalar(
        select(Offer)
        .where(Offer.application_id == application_id, Offer.course_id == course_id)
        .order_by(Offer.id.desc())
        .execution_options(populate_existing=True)
    )
    assert found is not None, f"no offer of application {application_id} on {course_id}"
    return found
