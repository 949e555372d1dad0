"""Referrals: staff refer a person to an opening, with what the employer may be told,
and record what came of it (hired, not hired, left) with a date.

Only casework staff whose scope covers the person's office see a referral (minors only
with the juvenile permission); anyone else gets NotFound. What the employer may be told
is the referral's consent, read live: nothing about the offence, nor that the person is
under corrections or in resettlement, unless the person explicitly agreed.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db
from core.errors import Conflict, NotFound, ValidationFailed
from core.people.models import PersonStatus
from core.people.services import get_person, require_writer
from core.tasks.services import close_tasks_for
from core.timeutil import local_today
from core.users import User
from jobs_bases.consent.models import SharedField, SubjectKind
from jobs_bases.consent.services import Subject, give_consent, shared_fields
from jobs_bases.jobs.employers import hired_count
from jobs_bases.jobs.models import (
    OPEN_REFERRAL,
    FollowUp,
    Opening,
    OpeningStatus,
    Referral,
    ReferralStatus,
)
from jobs_bases.scope import staff_sees_row

FOLLOW_UP_MONTHS = (3, 6)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def follow_up_key(referral_id: int, months: int) -> str:
    return f"referral-follow-up:{referral_id}:{months}"


def subject_of(referral: Referral) -> Subject:
    return Subject(SubjectKind.REFERRAL, referral.id)


def get_referral(actor: User, referral_id: int, *, for_update: bool = False) -> Referral:
    referral = db.session.get(Referral, referral_id, with_for_update=for_update)
    if referral is None or not staff_sees_row(actor, referral.office_id, referral.person.is_minor):
        raise NotFound("No such referral.")
    return referral


@dataclass
class ReferralInput:
    person_id: int
    opening_id: int
    note: str = ""
    shares: Collection[SharedField] = field(default_factory=tuple)


def refer_person(actor: User, data: ReferralInput, *, ip: str | None = None) -> Referral:
    """Refer a person to an open opening, with consent to what the employer may be told;
    one transaction."""
    require_writer(actor)
    person = get_person(actor, data.person_id)
    if person.status != PersonStatus.ACTIVE:
        raise Conflict("Only people with an active case are referred.")
    opening = db.session.get(Opening, data.opening_id)
    if opening is None:
        raise ValidationFailed("Choose an opening.", field="opening_id")
    if opening.status != OpeningStatus.OPEN:
        raise Conflict("This opening is closed.")
    again = db.session.scalar(
        select(Referral.id).where(
            Referral.person_id == person.id,
            Referral.opening_id == opening.id,
            Referral.status.in_(OPEN_REFERRAL),
        )
    )
    if again is not None:
        raise Conflict("This person is already referred to this opening.")
    referral = Referral(
        person_id=person.id,
        opening_id=opening.id,
        office_id=person.office_id,
        status=ReferralStatus.REFERRED,
        referred_on=local_today(),
        note=data.note.strip()[:2000],
        referred_by_id=actor.id,
    )
    db.session.add(referral)
    db.session.flush()
    who = Actor(actor.id, actor.username, ip)
    give_consent(who, person.id, subject_of(referral), data.shares)
    audit.record(
        who,
        AuditAction.REFERRAL_CREATE,
        "referral",
        referral.id,
        office_id=referral.office_id,
        opening=opening.id,
    )
    db.session.commit()
    return referral


# Which outcome may follow which status.
_NEXT = {
    ReferralStatus.HIRED: (ReferralStatus.REFERRED,),
    ReferralStatus.NOT_HIRED: (ReferralStatus.REFERRED,),
    ReferralStatus.WITHDRAWN: (ReferralStatus.REFERRED,),
    ReferralStatus.LEFT: (ReferralStatus.HIRED,),
}


def record_outcome(
    actor: User, referral_id: int, outcome: str, on_date: date, *, ip: str | None = None
) -> Referral:
    """Hired, not hired or withdrawn (after the referral), or left (after a hire), each
    with its date: not in the future, not before the step it follows. A hire takes a
    seat: the opening row is locked so two hires cannot take its last seat."""
    require_writer(actor)
    referral = get_referral(actor, referral_id, for_update=True)
    if outcome not in _NEXT:
        raise ValidationFailed("Choose an outcome.", field="outcome")
    if referral.status not in _NEXT[ReferralStatus(outcome)]:
        raise Conflict("This outcome does not follow the referral's current state.")
    if on_date > local_today():
        raise ValidationFailed("The date cannot be in the future.", field="on_date")
    since = referral.hired_on if outcome == ReferralStatus.LEFT else referral.referred_on
    if since is not None and on_date < since:
        raise ValidationFailed(
            "The date cannot be before %(date)s.", field="on_date", date=str(since)
        )
    if outcome == ReferralStatus.HIRED:
        opening = db.session.get(Opening, referral.opening_id, with_for_update=True)
        assert opening is not None
        if hired_count(opening.id) >= opening.seats:
            raise Conflict("Every seat of this opening is taken.")
        referral.hired_on = on_date
    elif outcome == ReferralStatus.LEFT:
        referral.left_on = on_date
        for months in FOLLOW_UP_MONTHS:
            close_tasks_for(follow_up_key(referral.id, months), closed_by=actor)
    else:
        referral.closed_on = on_date
    referral.status = outcome
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.REFERRAL_OUTCOME,
        "referral",
        referral.id,
        office_id=referral.office_id,
        outcome=outcome,
        on=str(on_date),
    )
    db.session.commit()
    return referral


def record_follow_up(
    actor: User,
    referral_id: int,
    months: int,
    checked_on: date,
    still_employed: bool,
    note: str = "",
    *,
    ip: str | None = None,
) -> FollowUp:
    """The 3- or 6-month retention follow-up of a hire: still employed or not. Not
    employed any more records that the person left, on the day of the check."""
    require_writer(actor)
    referral = get_referral(actor, referral_id, for_update=True)
    if months not in FOLLOW_UP_MONTHS:
        raise ValidationFailed("Choose the 3- or 6-month follow-up.", field="months")
    if referral.hired_on is None or referral.status not in (
        ReferralStatus.HIRED,
        ReferralStatus.LEFT,
    ):
        raise Conflict("Only a hire is followed up.")
    due = add_months(referral.hired_on, months)
    if checked_on > local_today():
        raise ValidationFailed("The date cannot be in the future.", field="checked_on")
    if checked_on < due - timedelta(days=14):
        raise ValidationFailed(
            "This follow-up is due on %(date)s.", field="checked_on", date=str(due)
        )
    if db.session.scalar(
        select(FollowUp.id).where(FollowUp.referral_id == referral.id, FollowUp.months == months)
    ):
        raise Conflict("This follow-up is recorded already.")
    follow_up = FollowUp(
        referral_id=referral.id,
        months=months,
        due_on=due,
        checked_on=checked_on,
        still_employed=still_employed,
        note=note.strip()[:1000],
        recorded_by_id=actor.id,
    )
    db.session.add(follow_up)
    close_tasks_for(follow_up_key(referral.id, months), closed_by=actor)
    if not still_employed and referral.status == ReferralStatus.HIRED:
        referral.status = ReferralStatus.LEFT
        referral.left_on = max(checked_on, referral.hired_on)
        for other in FOLLOW_UP_MONTHS:
            close_tasks_for(follow_up_key(referral.id, other), closed_by=actor)
    db.session.flush()
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.FOLLOW_UP_RECORD,
        "referral",
        referral.id,
        office_id=referral.office_id,
        months=months,
        still_employed=still_employed,
    )
    db.session.commit()
    return follow_up


@dataclass(frozen=True)
class EmployerSheet:
    """What the employer may be told about the referred person, and nothing else."""

    referral: Referral
    name: str
    phone: str
    status: str  # correction / resettlement, only with consent
    shares_offence: bool


def referral_sheet(actor: User, referral_id: int, *, ip: str | None = None) -> EmployerSheet:
    """The employer-facing view of a referral: only what the live consent allows. Each
    opening is audited, as a view of the person's record made for the employer."""
    referral = get_referral(actor, referral_id)
    allowed = shared_fields(subject_of(referral))
    person = referral.person
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.REFERRAL_SHEET_VIEW,
        "referral",
        referral.id,
        office_id=referral.office_id,
        shared=sorted(f.value for f in allowed),
    )
    db.session.commit()
    return EmployerSheet(
        referral=referral,
        name=str(person.name or "") if SharedField.NAME in allowed else "",
        phone=str(person.phone or "") if SharedField.PHONE in allowed else "",
        status=person.kind if SharedField.STATUS in allowed else "",
        shares_offence=SharedField.OFFENCE in allowed,
    )
