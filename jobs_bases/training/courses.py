"""Rounds, courses and their sessions: what managers set up, and what a partner schedules.

Each public function is one use case and one transaction. A course's title and its
certificate type are printed on certificates that employers check in public, so they
may not say anything about corrections or resettlement.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import func, select

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.errors import Conflict, NotFound, ValidationFailed
from core.people.models import PersonKind
from core.timeutil import SHANGHAI, local_today
from core.towns import TOWN_NAMES
from core.users import User
from jobs_bases.partners.models import TrainingPartner
from jobs_bases.training.holding import held_seats
from jobs_bases.training.models import (
    ApplicationChoice,
    Attendance,
    Course,
    CourseSession,
    RoundStatus,
    TrainingRound,
)
from jobs_bases.training.offers import cascade
from jobs_bases.training.scope import (
    is_manager,
    require_manager,
    require_runs_the_class,
    visible_course,
)

MAX_SEATS = 500
MIN_AGE, MAX_AGE = 14, 80
# Words that would tell an employer reading a certificate where its holder comes from.
REVEALING = re.compile(
    r"矫正|帮教|刑满|刑释|服刑|释放|犯罪|罪犯|监狱|司法|correction|prison|offender|parole|probation",
    re.IGNORECASE,
)


def _who(actor: User, ip: str | None) -> Actor:
    return Actor(actor.id, actor.username, ip)


# -- rounds -------------------------------------------------------------------------------


def save_round(
    actor: User, round_id: int | None, name: str, *, ip: str | None = None
) -> TrainingRound:
    """Create or rename an intake round (managers); one transaction."""
    require_manager(actor)
    name = name.strip()
    if not name or len(name) > 80:
        raise ValidationFailed("Enter the round's name.", field="name")
    same = db.session.scalar(select(TrainingRound.id).where(TrainingRound.name == name))
    if same is not None and same != round_id:
        raise ValidationFailed("A round with this name exists already.", field="name")
    if round_id is None:
        training_round = TrainingRound(name=name, created_by_id=actor.id)
    else:
        found = db.session.get(TrainingRound, round_id)
        if found is None:
            raise NotFound("No such round.")
        training_round = found
        training_round.name = name
    db.session.add(training_round)
    db.session.flush()
    audit.record(
        _who(actor, ip), AuditAction.TRAINING_ROUND_SAVE, "training_round", training_round.id
    )
    db.session.commit()
    return training_round


def list_rounds() -> list[TrainingRound]:
    return list(db.session.scalars(select(TrainingRound).order_by(TrainingRound.id.desc())))


def get_round(round_id: int) -> TrainingRound:
    found = db.session.get(TrainingRound, round_id)
    if found is None:
        raise NotFound("No such round.")
    return found


# -- courses ------------------------------------------------------------------------------


@dataclass
class CourseInput:
    round_id: int
    partner_id: int
    title: str
    trade: str
    seats: int
    starts_on: date
    ends_on: date
    location: str
    town: str
    apply_by: date
    eligible_kinds: Sequence[str] = field(
        default_factory=lambda: [PersonKind.CORRECTION, PersonKind.RESETTLEMENT]
    )
    min_age: int | None = 18
    max_age: int | None = 60
    exclude_if_completed: bool = True
    certificate_type: str = "培训合格证书"
    min_attendance_pct: int = 80
    exam_required: bool = True


def _check_text(value: str, field_name: str, longest: int) -> str:
    value = value.strip()
    if not value or len(value) > longest:
        raise ValidationFailed("This field is required.", field=field_name)
    return value


def _check_public_words(value: str, field_name: str) -> None:
    found = REVEALING.search(value)
    if found is not None:
        raise ValidationFailed(
            "Certificates show this text to employers: leave out “%(word)s”.",
            field=field_name,
            word=found.group(0),
        )


def _validate(data: CourseInput) -> None:
    for name, longest in (("title", 120), ("trade", 60), ("location", 200)):
        _check_text(getattr(data, name), name, longest)
    _check_text(data.certificate_type, "certificate_type", 80)
    _check_public_words(data.title, "title")
    _check_public_words(data.certificate_type, "certificate_type")
    if not 0 <= data.seats <= MAX_SEATS:
        raise ValidationFailed("Seats are a number from 0 to %(n)d.", field="seats", n=MAX_SEATS)
    if data.ends_on < data.starts_on:
        raise ValidationFailed("The course cannot end before it starts.", field="ends_on")
    if data.apply_by > data.starts_on:
        raise ValidationFailed(
            "Applications must close on or before the first day.", field="apply_by"
        )
    if data.town not in TOWN_NAMES:
        raise ValidationFailed("Choose a town.", field="town")
    kinds = set(data.eligible_kinds)
    if not kinds or not kinds <= set(PersonKind):
        raise ValidationFailed("Choose who may apply.", field="eligible_kinds")
    for name in ("min_age", "max_age"):
        age = getattr(data, name)
        if age is not None and not MIN_AGE <= age <= MAX_AGE:
            raise ValidationFailed(
                "Ages are from %(low)d to %(high)d.", field=name, low=MIN_AGE, high=MAX_AGE
            )
    if data.min_age is not None and data.max_age is not None and data.min_age > data.max_age:
        raise ValidationFailed("The lowest age is above the highest.", field="max_age")
    if not 0 <= data.min_attendance_pct <= 100:
        raise ValidationFailed(
            "Attendance is a percentage from 0 to 100.", field="min_attendance_pct"
        )


def save_course(
    actor: User, course_id: int | None, data: CourseInput, *, ip: str | None = None
) -> Course:
    """Create or edit a course (managers); one transaction.

    A closed course no longer changes; a course people chose stays in its round; seats
    never go below the people already enrolled. More seats in a published round are
    then offered down the waitlist, in a transaction of their own.
    """
    require_manager(actor)
    _validate(data)
    training_round = db.session.get(TrainingRound, data.round_id)
    if training_round is None:
        raise ValidationFailed("Choose a round.", field="round_id")
    partner = db.session.get(TrainingPartner, data.partner_id)
    if partner is None or not partner.active:
        raise ValidationFailed("Choose an active training partner.", field="partner_id")
    if course_id is None:
        if training_round.status != RoundStatus.OPEN:
            raise ValidationFailed(
                "This round's allocation is published: add the course to an open round.",
                field="round_id",
            )
        course = Course()
    else:
        course = visible_course(actor, course_id, lock=True)
        if course.closed_at is not None:
            raise Conflict("This course is closed: its completion was judged.")
        chosen = db.session.scalar(
            select(func.count())
            .select_from(ApplicationChoice)
            .where(ApplicationChoice.course_id == course.id)
        )
        if chosen and course.round_id != data.round_id:
            raise ValidationFailed(
                "People chose this course in its round: it cannot move to another.",
                field="round_id",
            )
        enrolled = held_seats(course.id, accepted_only=True)
        if data.seats < enrolled:
            raise ValidationFailed(
                "%(n)d people are enrolled already: keep at least as many seats.",
                field="seats",
                n=enrolled,
            )
    course.round_id = training_round.id
    course.partner_id = partner.id
    course.title = data.title.strip()
    course.trade = data.trade.strip()
    course.seats = data.seats
    course.starts_on = data.starts_on
    course.ends_on = data.ends_on
    course.location = data.location.strip()
    course.town = data.town
    course.apply_by = data.apply_by
    course.eligible_kinds = sorted(set(data.eligible_kinds))
    course.min_age = data.min_age
    course.max_age = data.max_age
    course.exclude_if_completed = data.exclude_if_completed
    course.certificate_type = data.certificate_type.strip()
    course.min_attendance_pct = data.min_attendance_pct
    course.exam_required = data.exam_required
    db.session.add(course)
    db.session.flush()
    audit.record(
        _who(actor, ip),
        AuditAction.TRAINING_COURSE_SAVE,
        "course",
        course.id,
        seats=course.seats,
        partner=course.partner_id,
    )
    db.session.commit()
    # More seats in a published round: offered down the waitlist, a step of its own.
    cascade([course.id])
    return course


def course_state(course: Course, today: date | None = None) -> str:
    """Where the course stands: open (taking applications), allocating (applications
    closed, the round not yet published), allocated, running, finished, closed."""
    today = today or local_today()
    if course.closed_at is not None:
        return "closed"
    if course.round.status == RoundStatus.OPEN:
        return "open" if today <= course.apply_by else "allocating"
    if today < course.starts_on:
        return "allocated"
    return "running" if today <= course.ends_on else "finished"


# -- sessions -----------------------------------------------------------------------------


@dataclass
class SessionInput:
    on_date: date
    start_time: time
    end_time: time
    topic: str = ""


def add_session(
    actor: User, course_id: int, data: SessionInput, *, ip: str | None = None
) -> CourseSession:
    """Schedule a class meeting (managers, or the course's partner); one transaction."""
    course = visible_course(actor, course_id, lock=True)
    require_runs_the_class_or_manager(actor, course)
    if course.closed_at is not None:
        raise Conflict("This course is closed: its completion was judged.")
    if not course.starts_on <= data.on_date <= course.ends_on:
        raise ValidationFailed(
            "Sessions fall between the course's first and last day (%(start)s to %(end)s).",
            field="on_date",
            start=course.starts_on.isoformat(),
            end=course.ends_on.isoformat(),
        )
    if data.end_time <= data.start_time:
        raise ValidationFailed("A session ends after it starts.", field="end_time")
    taken = db.session.scalar(
        select(CourseSession.id).where(
            CourseSession.course_id == course.id,
            CourseSession.on_date == data.on_date,
            CourseSession.start_time == data.start_time,
        )
    )
    if taken is not None:
        raise ValidationFailed("A session already starts at this time.", field="start_time")
    session = CourseSession(
        course_id=course.id,
        on_date=data.on_date,
        start_time=data.start_time,
        end_time=data.end_time,
        topic=data.topic.strip()[:120],
    )
    db.session.add(session)
    db.session.flush()
    audit.record(
        _who(actor, ip),
        AuditAction.TRAINING_SESSION_SAVE,
        "course_session",
        session.id,
        course=course.id,
    )
    db.session.commit()
    return session


def remove_session(actor: User, session_id: int, *, ip: str | None = None) -> Course:
    """Remove a session whose attendance was never recorded; one transaction."""
    session = db.session.get(CourseSession, session_id)
    if session is None:
        raise NotFound("No such session.")
    course = visible_course(actor, session.course_id, lock=True)
    require_runs_the_class_or_manager(actor, course)
    if course.closed_at is not None:
        raise Conflict("This course is closed: its completion was judged.")
    recorded = db.session.scalar(select(Attendance.id).where(Attendance.session_id == session.id))
    if recorded is not None:
        raise Conflict("Attendance of this session is recorded: it cannot be removed.")
    audit.record(
        _who(actor, ip),
        AuditAction.TRAINING_SESSION_DELETE,
        "course_session",
        session.id,
        course=course.id,
    )
    db.session.delete(session)
    db.session.commit()
    return course


def schedulable_course(actor: User, course_id: int) -> Course:
    """A course whose sessions the actor may change (managers, the course's partner)."""
    course = visible_course(actor, course_id)
    require_runs_the_class_or_manager(actor, course)
    return course


def require_runs_the_class_or_manager(actor: User, course: Course) -> None:
    if not is_manager(actor):
        require_runs_the_class(actor, course)


def sessions_of(course_id: int) -> list[CourseSession]:
    return list(
        db.session.scalars(
            select(CourseSession)
            .where(CourseSession.course_id == course_id)
            .order_by(CourseSession.on_date, CourseSession.start_time)
        )
    )


def session_started(session: CourseSession, now: datetime | None = None) -> bool:
    """Has the session begun (Shanghai time)? Attendance is recorded from then on."""
    moment = (now or utcnow()).astimezone(SHANGHAI)
    return (moment.date(), moment.time()) >= (session.on_date, session.start_time)
