"""Applications: entered by the person's office with up to five ranked courses of one
round, viewed (audited), and withdrawn.

Refused with a reason the officer can read to the person: a case that is not active,
a round already allocated, a duplicate, a course whose deadline passed, a course the
person may not take. A refused application leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.errors import Conflict, NotFound, ValidationFailed
from core.people.models import Person
from core.people.services import get_person
from core.timeutil import local_today
from core.users import User
from jobs_bases.training.eligibility import (
    completed_trades,
    course_refusal,
    deadline_refusal,
    person_refusal,
)
from jobs_bases.training.models import (
    HOLDING,
    Application,
    ApplicationChoice,
    ApplicationStatus,
    Course,
    Enrolment,
    EnrolmentStatus,
    Offer,
    OfferStatus,
    RoundStatus,
    TrainingRound,
)
from jobs_bases.training.offers import (
    cascade,
    end_offer,
    fill_seats,
    leave_waitlists,
    lock_application,
    lock_course,
)
from jobs_bases.training.scope import require_casework_writer, sees_person_row

MAX_CHOICES = 5
DUPLICATE = "This person already applied to this round (application no. %(number)s)."


@dataclass
class ApplicationInput:
    person_id: int
    round_id: int
    # Course ids, best first; at most five.
    course_ids: Sequence[int] = field(default_factory=list)
    note: str = ""


def _choices(data: ApplicationInput, training_round: TrainingRound) -> list[Course]:
    ids = list(data.course_ids)
    if not ids:
        raise ValidationFailed("Choose at least one course.", field="choice_1")
    if len(ids) > MAX_CHOICES:
        raise ValidationFailed("Choose at most five courses.", field="choice_1")
    if len(set(ids)) != len(ids):
        raise ValidationFailed("Each course may be chosen once.", field="choice_1")
    courses = {
        course.id: course for course in db.session.scalars(select(Course).where(Course.id.in_(ids)))
    }
    chosen = []
    for rank, course_id in enumerate(ids, start=1):
        course = courses.get(course_id)
        if course is None or course.round_id != training_round.id:
            raise ValidationFailed("Choose courses of this round.", field=f"choice_{rank}")
        chosen.append(course)
    return chosen


def _refuse_duplicate(person_id: int, round_id: int) -> None:
    existing = db.session.scalar(
        select(Application.id).where(
            Application.person_id == person_id,
            Application.round_id == round_id,
            Application.status != ApplicationStatus.WITHDRAWN,
        )
    )
    if existing is not None:
        raise Conflict(DUPLICATE, number=existing)


def apply(
    actor: User, data: ApplicationInput, *, now: datetime | None = None, ip: str | None = None
) -> Application:
    """Enter a person's application (their office's writers); one transaction."""
    require_casework_writer(actor)
    now = now or utcnow()
    today = local_today(now)
    person = get_person(actor, data.person_id)
    if person_refusal(person) is not None:
        raise Conflict("Only a person whose case is active can apply.")
    training_round = db.session.get(TrainingRound, data.round_id)
    if training_round is None:
        raise ValidationFailed("Choose a round.", field="round_id")
    if training_round.status != RoundStatus.OPEN:
        raise Conflict("This round's seats are allocated already: applications are closed.")
    courses = _choices(data, training_round)
    _refuse_duplicate(person.id, training_round.id)
    trades = completed_trades(person.id)
    for rank, course in enumerate(courses, start=1):
        reason = deadline_refusal(course, today) or course_refusal(person, course, trades)
        if reason is not None:
            raise ValidationFailed(
                "Choice %(rank)s (%(course)s): %(reason)s.",
                field=f"choice_{rank}",
                rank=rank,
                course=course.title,
                reason=reason,
            )
    application = Application(
        round_id=training_round.id,
        person_id=person.id,
        office_id=person.office_id,
        status=ApplicationStatus.SUBMITTED,
        applied_at=now,
        entered_by_id=actor.id,
        note=data.note.strip()[:1000],
    )
    application.choices = [
        ApplicationChoice(rank=rank, course_id=course.id)
        for rank, course in enumerate(courses, start=1)
    ]
    db.session.add(application)
    try:
        db.session.flush()
    except IntegrityError as error:
        # Two officers entering the same person at once: the unique index decides.
        db.session.rollback()
        existing = db.session.scalar(
            select(Application.id).where(
                Application.person_id == data.person_id,
                Application.round_id == data.round_id,
                Application.status != ApplicationStatus.WITHDRAWN,
            )
        )
        raise Conflict(DUPLICATE, number=existing) from error
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.TRAINING_APPLY,
        "training_application",
        application.id,
        office_id=application.office_id,
        person=person.id,
        courses=[course.id for course in courses],
    )
    db.session.commit()
    return application


def get_application(actor: User, application_id: int) -> Application:
    """An application of a person in the actor's scope; NotFound otherwise."""
    application = db.session.get(Application, application_id)
    if application is None:
        raise NotFound("No such application.")
    person = db.session.get_one(Person, application.person_id)
    if not sees_person_row(actor, application.office_id, person.is_minor):
        raise NotFound("No such application.")
    return application


def view_application(actor: User, application_id: int, *, ip: str | None = None) -> Application:
    """Open an application's page; the view is audited."""
    application = get_application(actor, application_id)
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.TRAINING_APPLICATION_VIEW,
        "training_application",
        application.id,
        office_id=application.office_id,
    )
    db.session.commit()
    return application


def _withdraw(application: Application, who: Actor, reason: str, now: datetime) -> list[int]:
    """Withdraw in the caller's transaction; returns the courses whose seats it freed."""
    freed = []
    for offer in db.session.scalars(
        select(Offer).where(Offer.application_id == application.id, Offer.status.in_(HOLDING))
    ):
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.offer_id == offer.id))
        if enrolment is not None and enrolment.status != EnrolmentStatus.ENROLLED:
            continue  # a course already judged stays on record
        end_offer(offer, OfferStatus.WITHDRAWN, who, now)
        freed.append(offer.course_id)
    leave_waitlists(application.id, "withdrawn")
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at = now
    application.withdrawal_reason = reason[:500]
    audit.record(
        who,
        AuditAction.TRAINING_APPLICATION_WITHDRAW,
        "training_application",
        application.id,
        office_id=application.office_id,
        freed=freed,
    )
    return freed


def withdraw_application(
    actor: User,
    application_id: int,
    reason: str = "",
    *,
    now: datetime | None = None,
    ip: str | None = None,
) -> Application:
    """The person withdrew: offers and seats are given up, waitlists left; each freed
    seat then goes down its course's waitlist (one transaction per course)."""
    require_casework_writer(actor)
    now = now or utcnow()
    get_application(actor, application_id)
    application = lock_application(application_id)
    assert application is not None
    if application.status == ApplicationStatus.WITHDRAWN:
        raise Conflict("This application is withdrawn already.")
    judged = db.session.scalar(
        select(Enrolment.id).where(
            Enrolment.application_id == application.id,
            Enrolment.status.in_([EnrolmentStatus.COMPLETED, EnrolmentStatus.NOT_COMPLETED]),
        )
    )
    if judged is not None:
        raise Conflict("The course is over: the application stays on record.")
    freed = _withdraw(application, Actor(actor.id, actor.username, ip), reason.strip(), now)
    db.session.commit()
    cascade(freed, now)
    return application


def withdraw_all_of(person: Person, who: Actor, reason: str, now: datetime) -> None:
    """A case ended: every live application of the person is withdrawn and each freed
    seat is offered down its waitlist, all in the caller's transaction (the lifecycle
    signal's, which must commit or roll back as one)."""
    applications = list(
        db.session.scalars(
            select(Application)
            .where(
                Application.person_id == person.id,
                Application.status != ApplicationStatus.WITHDRAWN,
            )
            .order_by(Application.id)
            .with_for_update()
        )
    )
    freed: list[int] = []
    for application in applications:
        freed += _withdraw(application, who, reason, now)
    for course_id in sorted(set(freed)):
        course = lock_course(course_id)
        if course is not None:
            fill_seats(course, now, who)
