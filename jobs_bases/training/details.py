"""What an application's page shows: choices with their waitlist places and offers,
the points it would have today, the allocation's reason, the enrolment with its
completion, certificate and follow-ups. Reading only (the view itself is audited by
`applications.view_application`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from core.db import db
from core.people.models import Person
from core.timeutil import local_today
from core.users import User
from jobs_bases.training.allocation import facts_of, named_reason, runs_of
from jobs_bases.training.certificates import certificate_of
from jobs_bases.training.courses import course_state, get_round, sessions_of
from jobs_bases.training.eligibility import completed_trades
from jobs_bases.training.holding import held_seats
from jobs_bases.training.models import (
    AllocationRun,
    Application,
    Certificate,
    Course,
    CourseSession,
    Enrolment,
    Offer,
    Outcome,
    RunStatus,
    TrainingRound,
    WaitlistEntry,
)
from jobs_bases.training.outcomes import follow_up_due, outcomes_of
from jobs_bases.training.points import Points, course_bonus, priority_points
from jobs_bases.training.queries import CourseFilter, CourseRow, course_page
from jobs_bases.training.scope import visible_course


@dataclass(frozen=True)
class CourseDetail:
    course: Course
    state: str
    sessions: list[CourseSession]
    held: int  # seats held by open or accepted offers
    enrolled: int  # seats held by accepted offers


def course_detail(actor: User, course_id: int) -> CourseDetail:
    """A course's page: its state, sessions and seats (NotFound outside the actor's view)."""
    course = visible_course(actor, course_id)
    return CourseDetail(
        course,
        course_state(course),
        sessions_of(course.id),
        held_seats(course.id),
        held_seats(course.id, accepted_only=True),
    )


@dataclass(frozen=True)
class RoundDetail:
    training_round: TrainingRound
    courses: list[CourseRow]
    runs: list[AllocationRun]


def round_detail(actor: User, round_id: int) -> RoundDetail:
    training_round = get_round(round_id)
    return RoundDetail(
        training_round,
        course_page(actor, CourseFilter(round_id=training_round.id)).items,
        runs_of(training_round.id),
    )


@dataclass(frozen=True)
class ChoiceRow:
    rank: int
    course: Course
    bonus: int
    waitlist: WaitlistEntry | None


@dataclass(frozen=True)
class EnrolmentRow:
    enrolment: Enrolment
    certificate: Certificate | None
    outcomes: dict[int, Outcome]
    follow_ups: dict[int, date]  # months -> due date

    @property
    def follow_up_open(self) -> bool:
        return len(self.outcomes) < len(self.follow_ups)


@dataclass(frozen=True)
class ApplicationDetail:
    application: Application
    person: Person
    points: Points
    choices: list[ChoiceRow]
    offers: list[Offer]
    enrolments: list[EnrolmentRow]
    reason: str | None  # the published allocation's reason, with course names

    @property
    def withdrawable(self) -> bool:
        """Still live, and no course of it judged yet."""
        return self.application.status != "withdrawn" and not any(
            row.enrolment.status in ("completed", "not_completed") for row in self.enrolments
        )


def points_today(application: Application, person: Person, today: date) -> Points:
    trained = bool(completed_trades(person.id))
    return priority_points(facts_of(application, person, trained), today)


def _published_reason(application: Application) -> str | None:
    run = db.session.scalar(
        select(AllocationRun).where(
            AllocationRun.round_id == application.round_id,
            AllocationRun.status == RunStatus.PUBLISHED,
        )
    )
    if run is None:
        return None
    result: dict[str, Any] = run.result
    for assignment in result["assignments"]:
        if assignment["applicant_id"] == application.id:
            titles = {
                course.id: course.title
                for course in db.session.scalars(
                    select(Course).where(Course.round_id == application.round_id)
                )
            }
            return named_reason(assignment["reason"], titles)
    return None


def application_detail(application: Application) -> ApplicationDetail:
    person = db.session.get_one(Person, application.person_id)
    waitlist = {
        entry.course_id: entry
        for entry in db.session.scalars(
            select(WaitlistEntry).where(WaitlistEntry.application_id == application.id)
        )
    }
    choices = [
        ChoiceRow(
            choice.rank,
            choice.course,
            course_bonus(person.town, choice.course.town),
            waitlist.get(choice.course_id),
        )
        for choice in application.choices
    ]
    offers = list(
        db.session.scalars(
            select(Offer).where(Offer.application_id == application.id).order_by(Offer.id)
        )
    )
    enrolments = [
        EnrolmentRow(
            enrolment,
            certificate_of(enrolment.id),
            outcomes_of(enrolment.id),
            {months: follow_up_due(enrolment.course, months) for months in (3, 6)},
        )
        for enrolment in db.session.scalars(
            select(Enrolment).where(Enrolment.application_id == application.id)
        )
    ]
    return ApplicationDetail(
        application=application,
        person=person,
        points=points_today(application, person, local_today()),
        choices=choices,
        offers=offers,
        enrolments=enrolments,
        reason=_published_reason(application),
    )
