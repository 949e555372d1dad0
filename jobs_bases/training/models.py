"""Skills training: intake rounds, courses and their sessions, applications with ranked
choices, seat-allocation runs, offers, waitlists, enrolments, attendance, certificates
and employment outcomes.

Who holds a seat is answered by the offers alone: an offer that is open (waiting for the
person's answer) or accepted holds one seat of its course. Everything else (the
application's status, the enrolment) follows from the offers.
"""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base as Model
from core.db import utcnow
from core.people.models import Person
from jobs_bases.partners.models import TrainingPartner


class RoundStatus(enum.StrEnum):
    OPEN = "open"  # taking applications; allocation runs are drafts
    PUBLISHED = "published"  # one run published: offers and waitlists exist


class TrainingRound(Model):
    """An intake (培训批次): the courses people rank together, allocated in one run."""

    __tablename__ = "training_round"
    __table_args__ = (CheckConstraint("status IN ('open', 'published')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    status: Mapped[str] = mapped_column(String(12), default=RoundStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))


class Course(Model):
    """A vocational skills-training course (职业技能培训班) run by a training partner."""

    __tablename__ = "course"
    __table_args__ = (
        CheckConstraint("seats >= 0", name="seats"),
        CheckConstraint("ends_on >= starts_on", name="period"),
        CheckConstraint("apply_by <= starts_on", name="apply_before_start"),
        CheckConstraint("min_attendance_pct BETWEEN 0 AND 100", name="attendance_pct"),
        CheckConstraint("min_age IS NULL OR max_age IS NULL OR min_age <= max_age", name="ages"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("training_round.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("training_partner.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    # The trade (电工, 中式烹调 ...): an earlier completion of a course of the same trade
    # may exclude a person (exclude_if_completed).
    trade: Mapped[str] = mapped_column(String(60), index=True)
    seats: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    location: Mapped[str] = mapped_column(String(200))
    # One of core.towns: the course's own-town bonus compares it with the person's town.
    town: Mapped[str] = mapped_column(String(64), index=True)
    # The last Shanghai day applications are taken (inclusive).
    apply_by: Mapped[date] = mapped_column(Date)
    # Eligibility: kinds of person ("correction", "resettlement"), an age range on the
    # first day, and whether a completed course of the same trade excludes.
    eligible_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)
    exclude_if_completed: Mapped[bool] = mapped_column(Boolean, default=True)
    # What the certificate is (培训合格证书, 职业技能等级证书（五级）...).
    certificate_type: Mapped[str] = mapped_column(String(80))
    # The completion rule.
    min_attendance_pct: Mapped[int] = mapped_column(Integer, default=80)
    exam_required: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set when completion was judged and certificates issued; nothing changes after.
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    round: Mapped[TrainingRound] = relationship()
    partner: Mapped[TrainingPartner] = relationship()


class CourseSession(Model):
    """One class meeting: a date, a start and an end (Shanghai time)."""

    __tablename__ = "course_session"
    __table_args__ = (
        CheckConstraint("end_time > start_time", name="order"),
        UniqueConstraint("course_id", "on_date", "start_time", name="uq_course_session_slot"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    on_date: Mapped[date] = mapped_column(Date, index=True)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    topic: Mapped[str] = mapped_column(String(120), default="")
    # When the partner last recorded its attendance (None: not yet).
    attendance_recorded_at: Mapped[datetime | None]

    course: Mapped[Course] = relationship()


class ApplicationStatus(enum.StrEnum):
    SUBMITTED = "submitted"  # waiting for the round's allocation
    OFFERED = "offered"  # an offer waits for the person's answer
    ENROLLED = "enrolled"  # holds an accepted seat (and may wait for a better one)
    WAITLISTED = "waitlisted"  # no seat, on at least one waitlist
    UNPLACED = "unplaced"  # no seat and no waitlist left
    WITHDRAWN = "withdrawn"


_LIVE_APPLICATION = text("status <> 'withdrawn'")


class Application(Model):
    """A person's application to a round, entered by their office, with up to five
    ranked choices. `office_id` is the office responsible for the person: it moves
    with them on transfer."""

    __tablename__ = "training_application"
    __table_args__ = (
        CheckConstraint(
            "status IN ('submitted', 'offered', 'enrolled', 'waitlisted', 'unplaced', 'withdrawn')",
            name="status",
        ),
        # One live application per person and round: a second is a duplicate.
        Index(
            "ix_training_application_live",
            "round_id",
            "person_id",
            unique=True,
            sqlite_where=_LIVE_APPLICATION,
            postgresql_where=_LIVE_APPLICATION,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("training_round.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=ApplicationStatus.SUBMITTED, index=True)
    applied_at: Mapped[datetime] = mapped_column(default=utcnow)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    # The office's own note: never shown to the training partner; removed on anonymisation.
    note: Mapped[str] = mapped_column(Text, default="")
    withdrawn_at: Mapped[datetime | None]
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="")

    person: Mapped[Person] = relationship()
    round: Mapped[TrainingRound] = relationship()
    choices: Mapped[list[ApplicationChoice]] = relationship(
        order_by="ApplicationChoice.rank", back_populates="application"
    )


class ApplicationChoice(Model):
    __tablename__ = "training_choice"
    __table_args__ = (
        CheckConstraint("rank BETWEEN 1 AND 5", name="rank"),
        UniqueConstraint("application_id", "rank", name="uq_training_choice_rank"),
        UniqueConstraint("application_id", "course_id", name="uq_training_choice_course"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("training_application.id"))
    rank: Mapped[int] = mapped_column(Integer)  # 1 = first choice
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)

    application: Mapped[Application] = relationship(back_populates="choices")
    course: Mapped[Course] = relationship()


class RunStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"  # another run of the round was published


class AllocationRun(Model):
    """One run of the seat engine over a round: exactly what it was given (`problem`,
    the engine's input document), what it answered (`result`), and how each applicant's
    points were made (`points`, by application id)."""

    __tablename__ = "training_allocation_run"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published', 'superseded')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("training_round.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=RunStatus.DRAFT)
    run_at: Mapped[datetime] = mapped_column(default=utcnow)
    run_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    # The business day the points were computed on.
    points_on: Mapped[date] = mapped_column(Date)
    problem: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    points: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    round: Mapped[TrainingRound] = relationship()


class OfferStatus(enum.StrEnum):
    OPEN = "open"  # holds a seat until answered or expired
    ACCEPTED = "accepted"  # holds the seat: the person is enrolled
    DECLINED = "declined"
    EXPIRED = "expired"
    RELEASED = "released"  # given up for a better seat the person accepted
    WITHDRAWN = "withdrawn"  # the person withdrew, or their case ended


HOLDING = (OfferStatus.OPEN, OfferStatus.ACCEPTED)
_HOLDS = text("status IN ('open', 'accepted')")


class OfferSource(enum.StrEnum):
    ALLOCATION = "allocation"
    WAITLIST = "waitlist"


class Offer(Model):
    """A seat offered to one application on one course (录取通知)."""

    __tablename__ = "training_offer"
    __table_args__ = (
        CheckConstraint(
            "status IN ('open', 'accepted', 'declined', 'expired', 'released', 'withdrawn')",
            name="status",
        ),
        CheckConstraint("source IN ('allocation', 'waitlist')", name="source"),
        # One seat per application and course at a time.
        Index(
            "ix_training_offer_holding",
            "application_id",
            "course_id",
            unique=True,
            sqlite_where=_HOLDS,
            postgresql_where=_HOLDS,
        ),
        Index("ix_training_offer_course_status", "course_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("training_application.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    # The course's place in the person's choices (1 = first).
    choice_rank: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(12))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("training_allocation_run.id"))
    status: Mapped[str] = mapped_column(String(12), default=OfferStatus.OPEN, index=True)
    offered_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    application: Mapped[Application] = relationship()
    course: Mapped[Course] = relationship()


class WaitStatus(enum.StrEnum):
    WAITING = "waiting"
    OFFERED = "offered"  # a freed seat was offered from this entry
    LEFT = "left"  # no longer waiting: a better or equal seat taken, withdrawn, ineligible


class WaitlistEntry(Model):
    """A place on a course's waitlist (候补), in the order the published run gave."""

    __tablename__ = "training_waitlist"
    __table_args__ = (
        CheckConstraint("status IN ('waiting', 'offered', 'left')", name="status"),
        UniqueConstraint("course_id", "application_id", name="uq_training_waitlist_entry"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("training_application.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 1 = first
    choice_rank: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(8), default=WaitStatus.WAITING)
    run_id: Mapped[int] = mapped_column(ForeignKey("training_allocation_run.id"))
    left_reason: Mapped[str] = mapped_column(String(32), default="")

    application: Mapped[Application] = relationship()


class EnrolmentStatus(enum.StrEnum):
    ENROLLED = "enrolled"
    COMPLETED = "completed"
    NOT_COMPLETED = "not_completed"  # the course closed and its rule was not met
    WITHDRAWN = "withdrawn"


def new_trainee_alias() -> str:
    """What the partner sees instead of a name when the person did not consent to it."""
    return "T-" + secrets.token_hex(3).upper()


class Enrolment(Model):
    """An accepted offer: the person is a trainee of the course. The consent of what the
    partner may see is recorded per enrolment (jobs_bases.consent)."""

    __tablename__ = "training_enrolment"
    __table_args__ = (
        CheckConstraint(
            "status IN ('enrolled', 'completed', 'not_completed', 'withdrawn')", name="status"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("training_offer.id"), unique=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("training_application.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    alias: Mapped[str] = mapped_column(String(16), default=new_trainee_alias)
    status: Mapped[str] = mapped_column(String(16), default=EnrolmentStatus.ENROLLED, index=True)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    exam_passed: Mapped[bool | None] = mapped_column(Boolean)
    exam_recorded_at: Mapped[datetime | None]
    exam_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    completed_at: Mapped[datetime | None]
    # Why the rule was or was not met, in Chinese (shown to staff and the partner).
    completion_reason: Mapped[str] = mapped_column(String(200), default="")
    withdrawn_at: Mapped[datetime | None]

    course: Mapped[Course] = relationship()
    person: Mapped[Person] = relationship()
    application: Mapped[Application] = relationship()


class Attendance(Model):
    __tablename__ = "training_attendance"
    __table_args__ = (
        UniqueConstraint("session_id", "enrolment_id", name="uq_training_attendance_once"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("course_session.id"), index=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("training_enrolment.id"), index=True)
    present: Mapped[bool] = mapped_column(Boolean)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))


class Certificate(Model):
    """A completion certificate. The number carries a random part: it is checked in
    public (no login), so it must not be guessable from another one."""

    __tablename__ = "training_certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("training_enrolment.id"), unique=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    issued_on: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)

    enrolment: Mapped[Enrolment] = relationship()


FOLLOW_UP_MONTHS = (3, 6)


class Outcome(Model):
    """Employment after training, asked by the office 3 and 6 months after the course."""

    __tablename__ = "training_outcome"
    __table_args__ = (
        CheckConstraint("months IN (3, 6)", name="months"),
        UniqueConstraint("enrolment_id", "months", name="uq_training_outcome_follow_up"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("training_enrolment.id"), index=True)
    months: Mapped[int] = mapped_column(Integer)
    employed: Mapped[bool] = mapped_column(Boolean)
    # The office's note (where, what job): removed on anonymisation.
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    enrolment: Mapped[Enrolment] = relationship()
