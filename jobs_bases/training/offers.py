"""Offers and waitlists: accepting, declining and expiring offers, and passing every freed
seat down its course's waitlist.

Seats: an open or accepted offer holds one seat of its course. Whatever changes who
holds a course's seats first locks the course row (SELECT ... FOR UPDATE), so two
acceptances of the last seat, or two seats freed at once, queue one behind the other.
An acceptance also locks its application, so one person's answers never interleave.

The cascade: a seat freed by a declined, expired or withdrawn offer goes to the first
eligible person on that course's waitlist. A waitlisted person may hold a seat of a
choice they ranked lower; when they accept the better one, the other is released and
goes down its own waitlist the same way. Each step is its own transaction: the answer
commits first, then each freed course is offered on in a transaction of its own (the
periodic job does it again if a step was cut short).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from datetime import UTC, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.errors import Conflict, NotFound, ValidationFailed
from core.people.models import Person
from core.timeutil import SHANGHAI, local_today
from core.users import User
from jobs_bases.consent.models import SharedField, SubjectKind
from jobs_bases.consent.services import Subject, give_consent
from jobs_bases.training import notify
from jobs_bases.training.eligibility import completed_trades, course_refusal, person_refusal
from jobs_bases.training.holding import held_seats
from jobs_bases.training.models import (
    HOLDING,
    Application,
    ApplicationStatus,
    Course,
    Enrolment,
    EnrolmentStatus,
    Offer,
    OfferSource,
    OfferStatus,
    RoundStatus,
    TrainingRound,
    WaitlistEntry,
    WaitStatus,
)
from jobs_bases.training.scope import require_casework_writer, sees_person_row

log = logging.getLogger(__name__)

# What the partner of an enrolment may be told, when the person agrees.
PARTNER_FIELDS = frozenset({SharedField.NAME, SharedField.PHONE})
_END_ACTIONS = {
    OfferStatus.DECLINED: AuditAction.TRAINING_OFFER_DECLINE,
    OfferStatus.EXPIRED: AuditAction.TRAINING_OFFER_EXPIRE,
    OfferStatus.RELEASED: AuditAction.TRAINING_OFFER_RELEASE,
    OfferStatus.WITHDRAWN: AuditAction.TRAINING_OFFER_WITHDRAW,
}


def offer_days() -> int:
    return int(current_app.config["TRAINING_OFFER_DAYS"])


def expiry_for(course: Course, now: datetime) -> datetime:
    """An offer may be accepted for TRAINING_OFFER_DAYS days after the day it is made,
    never past the course's first day, and at least on the day it is made: it expires
    at the following midnight, Shanghai time."""
    offered_on = local_today(now)
    last = max(offered_on, min(offered_on + timedelta(days=offer_days()), course.starts_on))
    return datetime.combine(last + timedelta(days=1), time(0), SHANGHAI).astimezone(UTC)


def lock_course(course_id: int) -> Course | None:
    """The course row, locked for this transaction, as the database has it now."""
    return db.session.scalar(
        select(Course)
        .where(Course.id == course_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def lock_application(application_id: int) -> Application | None:
    return db.session.scalar(
        select(Application)
        .where(Application.id == application_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def holding_offers(application_id: int) -> list[Offer]:
    return list(
        db.session.scalars(
            select(Offer)
            .where(Offer.application_id == application_id, Offer.status.in_(HOLDING))
            .order_by(Offer.choice_rank)
            .execution_options(populate_existing=True)
        )
    )


def refresh_status(application: Application) -> None:
    """The application's status, from its offers and waitlist places."""
    if application.status == ApplicationStatus.WITHDRAWN:
        return
    statuses = {offer.status for offer in holding_offers(application.id)}
    if OfferStatus.ACCEPTED in statuses:
        application.status = ApplicationStatus.ENROLLED
    elif OfferStatus.OPEN in statuses:
        application.status = ApplicationStatus.OFFERED
    elif application.round.status == RoundStatus.OPEN:
        application.status = ApplicationStatus.SUBMITTED
    else:
        waiting = db.session.scalar(
            select(WaitlistEntry.id).where(
                WaitlistEntry.application_id == application.id,
                WaitlistEntry.status == WaitStatus.WAITING,
            )
        )
        application.status = (
            ApplicationStatus.WAITLISTED if waiting is not None else ApplicationStatus.UNPLACED
        )


def make_offer(
    application: Application,
    course: Course,
    rank: int,
    source: OfferSource,
    now: datetime,
    who: Actor,
    run_id: int | None = None,
) -> Offer:
    """Offer a seat in the caller's transaction (the caller holds the course's lock)."""
    offer = Offer(
        application_id=application.id,
        course_id=course.id,
        person_id=application.person_id,
        office_id=application.office_id,
        choice_rank=rank,
        source=source,
        run_id=run_id,
        status=OfferStatus.OPEN,
        offered_at=now,
        expires_at=expiry_for(course, now),
    )
    db.session.add(offer)
    db.session.flush()
    notify.tell_offer(offer, course)
    audit.record(
        who,
        AuditAction.TRAINING_OFFER_MADE,
        "training_offer",
        offer.id,
        office_id=offer.office_id,
        course=course.id,
        application=application.id,
        source=str(source),
    )
    return offer


def end_offer(offer: Offer, status: OfferStatus, who: Actor, now: datetime) -> None:
    """End a seat-holding offer (caller's transaction); an enrolment on it ends too."""
    offer.status = status
    offer.answered_at = now
    offer.answered_by_id = who.user_id
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.offer_id == offer.id))
    if enrolment is not None and enrolment.status == EnrolmentStatus.ENROLLED:
        enrolment.status = EnrolmentStatus.WITHDRAWN
        enrolment.withdrawn_at = now
    notify.offer_settled(offer.id)
    audit.record(
        who,
        _END_ACTIONS[status],
        "training_offer",
        offer.id,
        office_id=offer.office_id,
        course=offer.course_id,
        application=offer.application_id,
    )


def leave_waitlists(application_id: int, reason: str, *, from_rank: int | None = None) -> None:
    """Take the application off its waitlists (those of choices ranked `from_rank` or
    lower, when given), in the caller's transaction."""
    query = (
        update(WaitlistEntry)
        .where(
            WaitlistEntry.application_id == application_id,
            WaitlistEntry.status == WaitStatus.WAITING,
        )
        .values(status=WaitStatus.LEFT, left_reason=reason)
    )
    if from_rank is not None:
        query = query.where(WaitlistEntry.choice_rank >= from_rank)
    db.session.execute(query)


# -- the cascade --------------------------------------------------------------------------


def _still_in_line(entry: WaitlistEntry, course: Course) -> str | None:
    """Why the entry's person no longer takes a freed seat of `course` (None: they do)."""
    application = entry.application
    if application.status == ApplicationStatus.WITHDRAWN:
        return "withdrawn"
    person = db.session.get_one(Person, application.person_id)
    if person_refusal(person) is not None:
        return "case_not_active"
    held = holding_offers(application.id)
    if any(offer.choice_rank <= entry.choice_rank for offer in held):
        return "better_seat"
    if course_refusal(person, course, completed_trades(person.id)) is not None:
        return "ineligible"
    return None


def fill_seats(course: Course, now: datetime, who: Actor) -> list[Offer]:
    """Offer the course's free seats down its waitlist, in the caller's transaction,
    which holds the course's lock. Nothing is offered before the round is published,
    once the course has started, or after it closed."""
    today = local_today(now)
    if (
        course.round.status != RoundStatus.PUBLISHED
        or course.closed_at is not None
        or today >= course.starts_on
    ):
        return []
    free = course.seats - held_seats(course.id)
    made: list[Offer] = []
    if free <= 0:
        return made
    entries = db.session.scalars(
        select(WaitlistEntry)
        .where(WaitlistEntry.course_id == course.id, WaitlistEntry.status == WaitStatus.WAITING)
        .order_by(WaitlistEntry.position)
    )
    for entry in list(entries):
        if free <= 0:
            break
        reason = _still_in_line(entry, course)
        if reason is not None:
            entry.status = WaitStatus.LEFT
            entry.left_reason = reason
            continue
        offer = make_offer(
            entry.application, course, entry.choice_rank, OfferSource.WAITLIST, now, who
        )
        entry.status = WaitStatus.OFFERED
        refresh_status(entry.application)
        made.append(offer)
        free -= 1
    return made


def fill_free_seats(course_id: int, *, now: datetime | None = None) -> int:
    """One step of the cascade: the course's free seats down its waitlist, in a
    transaction of its own. Returns how many offers were made."""
    course = lock_course(course_id)
    if course is None:
        db.session.rollback()
        return 0
    made = fill_seats(course, now or utcnow(), Actor.system("training-waitlist"))
    db.session.commit()
    return len(made)


def cascade(course_ids: Iterable[int], now: datetime | None = None) -> None:
    """After a commit that freed seats: each course down its waitlist in turn. A step
    that fails on the database (a lock timeout) is left to the periodic job."""
    for course_id in sorted(set(course_ids)):
        try:
            fill_free_seats(course_id, now=now)
        except SQLAlchemyError:
            db.session.rollback()
            log.warning("training: seats of course %s left for the periodic job", course_id)


# -- answers ------------------------------------------------------------------------------


def visible_offer(actor: User, offer_id: int) -> Offer:
    offer = db.session.get(Offer, offer_id)
    if offer is None:
        raise NotFound("No such offer.")
    person = db.session.get_one(Person, offer.person_id)
    if not sees_person_row(actor, offer.office_id, person.is_minor):
        raise NotFound("No such offer.")
    return offer


def _locked_open_offer(actor: User, offer_id: int) -> tuple[Application, Course, Offer]:
    """Lock in a fixed order (application, course, offer), so that no two answers can
    wait for each other."""
    require_casework_writer(actor)
    seen = visible_offer(actor, offer_id)
    application = lock_application(seen.application_id)
    course = lock_course(seen.course_id)
    offer = db.session.get(Offer, offer_id, with_for_update=True, populate_existing=True)
    assert application is not None and course is not None and offer is not None
    if offer.status == OfferStatus.ACCEPTED:
        raise Conflict("This offer was accepted already.")
    if offer.status == OfferStatus.EXPIRED:
        raise Conflict(
            "This offer expired on %(date)s: it can no longer be accepted.",
            date=notify.answer_by(offer.expires_at).isoformat(),
        )
    if offer.status != OfferStatus.OPEN:
        raise Conflict("This offer is no longer open.")
    return application, course, offer


def accept_offer(
    actor: User,
    offer_id: int,
    shared: Collection[SharedField] = (),
    *,
    now: datetime | None = None,
    ip: str | None = None,
) -> Enrolment:
    """The person accepted (their officer records it): they are enrolled, with what the
    partner may see recorded as this enrolment's consent. Seats of choices they ranked
    lower are released and go down their waitlists afterwards.

    Refused when the offer expired (even before the periodic job marked it), when the
    course has no seat left (two people taking the last seat: one gets it), or when the
    person already holds a seat they ranked higher."""
    now = now or utcnow()
    fields = frozenset(shared)
    if not fields <= PARTNER_FIELDS:
        raise ValidationFailed("A training partner may be told a name and a phone only.")
    application, course, offer = _locked_open_offer(actor, offer_id)
    if now >= offer.expires_at:
        raise Conflict(
            "This offer expired on %(date)s: it can no longer be accepted. The seat goes to"
            " the next person on the waitlist.",
            date=notify.answer_by(offer.expires_at).isoformat(),
        )
    if course.closed_at is not None:
        raise Conflict("This course is closed: its completion was judged.")
    better = [o for o in holding_offers(application.id) if o.status == OfferStatus.ACCEPTED]
    if any(o.choice_rank < offer.choice_rank for o in better):
        raise Conflict("The person is enrolled on a course they ranked higher.")
    if held_seats(course.id, accepted_only=True) >= course.seats:
        raise Conflict("The last seat of this course was just taken: the offer cannot be accepted.")
    who = Actor(actor.id, actor.username, ip)
    offer.status = OfferStatus.ACCEPTED
    offer.answered_at = now
    offer.answered_by_id = actor.id
    enrolment = Enrolment(
        offer_id=offer.id,
        course_id=course.id,
        application_id=application.id,
        person_id=offer.person_id,
        office_id=offer.office_id,
        status=EnrolmentStatus.ENROLLED,
        enrolled_at=now,
    )
    db.session.add(enrolment)
    db.session.flush()
    give_consent(who, offer.person_id, Subject(SubjectKind.ENROLMENT, enrolment.id), fields)
    freed = []
    for other in holding_offers(application.id):
        if other.id != offer.id and other.choice_rank > offer.choice_rank:
            end_offer(other, OfferStatus.RELEASED, who, now)
            freed.append(other.course_id)
    leave_waitlists(application.id, "better_seat", from_rank=offer.choice_rank)
    notify.offer_settled(offer.id)
    audit.record(
        who,
        AuditAction.TRAINING_OFFER_ACCEPT,
        "training_offer",
        offer.id,
        office_id=offer.office_id,
        course=course.id,
        enrolment=enrolment.id,
        released=freed,
    )
    refresh_status(application)
    db.session.commit()
    cascade(freed, now)
    return enrolment


def decline_offer(
    actor: User, offer_id: int, *, now: datetime | None = None, ip: str | None = None
) -> Offer:
    """The person declined: the seat goes down the waitlist, and they stop waiting for
    this course (they still wait for the courses they ranked higher)."""
    now = now or utcnow()
    application, course, offer = _locked_open_offer(actor, offer_id)
    end_offer(offer, OfferStatus.DECLINED, Actor(actor.id, actor.username, ip), now)
    db.session.execute(
        update(WaitlistEntry)
        .where(
            WaitlistEntry.application_id == application.id,
            WaitlistEntry.course_id == course.id,
            WaitlistEntry.status == WaitStatus.WAITING,
        )
        .values(status=WaitStatus.LEFT, left_reason="declined")
    )
    refresh_status(application)
    db.session.commit()
    cascade([course.id], now)
    return offer


def expire_offers(now: datetime | None = None) -> int:
    """The periodic job: offers past their time expire, each in its own transaction,
    and each freed seat goes down its waitlist. Returns how many expired."""
    now = now or utcnow()
    due = list(
        db.session.scalars(
            select(Offer.id)
            .where(Offer.status == OfferStatus.OPEN, Offer.expires_at <= now)
            .order_by(Offer.expires_at, Offer.id)
        )
    )
    db.session.rollback()
    expired = 0
    for offer_id in due:
        found = db.session.get(Offer, offer_id)
        if found is None:
            continue
        application = lock_application(found.application_id)
        course = lock_course(found.course_id)
        offer = db.session.get(Offer, offer_id, with_for_update=True, populate_existing=True)
        if application is None or course is None or offer is None:
            db.session.rollback()
            continue
        if offer.status != OfferStatus.OPEN or offer.expires_at > now:
            db.session.rollback()  # answered meanwhile
            continue
        end_offer(offer, OfferStatus.EXPIRED, Actor.system("training-expiry"), now)
        refresh_status(application)
        db.session.commit()
        expired += 1
        cascade([course.id], now)
    return expired


def withdraw_enrolment(
    actor: User, enrolment_id: int, *, now: datetime | None = None, ip: str | None = None
) -> Enrolment:
    """The trainee left the course before it closed: the seat goes down the waitlist
    (while the course has not started)."""
    require_casework_writer(actor)
    now = now or utcnow()
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise NotFound("No such enrolment.")
    visible_offer(actor, enrolment.offer_id)
    application = lock_application(enrolment.application_id)
    course = lock_course(enrolment.course_id)
    offer = db.session.get(Offer, enrolment.offer_id, with_for_update=True, populate_existing=True)
    assert application is not None and course is not None and offer is not None
    db.session.refresh(enrolment)
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise Conflict("Only a trainee still enrolled can be withdrawn.")
    who = Actor(actor.id, actor.username, ip)
    end_offer(offer, OfferStatus.WITHDRAWN, who, now)
    audit.record(
        who,
        AuditAction.TRAINING_ENROLMENT_WITHDRAW,
        "training_enrolment",
        enrolment.id,
        office_id=enrolment.office_id,
        course=course.id,
    )
    refresh_status(application)
    db.session.commit()
    cascade([course.id], now)
    return enrolment


def periodic(now: datetime | None = None) -> int:
    """The wing's training job: expire offers, then offer any seat still free (a cascade
    step cut short by a crash or a lock timeout is caught up here)."""
    now = now or utcnow()
    expired = expire_offers(now)
    open_courses = list(
        db.session.scalars(
            select(Course.id)
            .join(TrainingRound, TrainingRound.id == Course.round_id)
            .where(
                TrainingRound.status == RoundStatus.PUBLISHED,
                Course.closed_at.is_(None),
                Course.starts_on > local_today(now),
            )
        )
    )
    db.session.rollback()
    cascade(open_courses, now)
    return expired
