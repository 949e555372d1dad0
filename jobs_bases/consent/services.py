"""Consent use cases: record, withdraw, and the live check every partner-facing view makes.

`may_share` and `shared_fields` read the database each time they are called, never a
copy kept with the placement or the session: withdrawing a consent ends what the base,
the partner or the employer sees at their next page.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select, update

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.people.models import Person
from core.people.services import get_person, require_writer
from core.users import User
from jobs_bases.consent.models import AUDIENCE_OF, Consent, SharedField, SubjectKind


@dataclass(frozen=True)
class Subject:
    """What a consent is about: one enrolment, placement or referral."""

    kind: SubjectKind
    id: int


def live_consent(subject: Subject) -> Consent | None:
    return db.session.scalar(
        select(Consent).where(
            Consent.subject_kind == subject.kind,
            Consent.subject_id == subject.id,
            Consent.withdrawn_at.is_(None),
        )
    )


def shared_fields(subject: Subject) -> frozenset[SharedField]:
    """What may be told about the subject's person now (empty without a live consent)."""
    consent = live_consent(subject)
    if consent is None:
        return frozenset()
    return frozenset(field for field in SharedField if consent.shares(field))


def may_share(subject: Subject, field: SharedField) -> bool:
    return field in shared_fields(subject)


def give_consent(
    actor: Actor, person_id: int, subject: Subject, fields: Collection[SharedField]
) -> Consent:
    """Record consent in the caller's transaction (a placement or a referral being made,
    or `record_consent`); a live consent of the same subject is withdrawn first."""
    now = utcnow()
    _end_live(subject, actor, "replaced")
    chosen = set(fields)
    consent = Consent(
        person_id=person_id,
        subject_kind=subject.kind,
        subject_id=subject.id,
        audience=AUDIENCE_OF[subject.kind],
        share_name=SharedField.NAME in chosen,
        share_phone=SharedField.PHONE in chosen,
        share_status=SharedField.STATUS in chosen,
        share_offence=SharedField.OFFENCE in chosen,
        given_at=now,
        given_by_id=actor.user_id,
    )
    db.session.add(consent)
    db.session.flush()
    audit.record(
        actor,
        AuditAction.CONSENT_RECORD,
        "consent",
        consent.id,
        person=person_id,
        subject=f"{subject.kind}:{subject.id}",
        fields=sorted(field.value for field in chosen),
    )
    return consent


def _end_live(subject: Subject, actor: Actor, reason: str) -> Consent | None:
    consent = live_consent(subject)
    if consent is None:
        return None
    consent.withdrawn_at = utcnow()
    consent.withdrawn_by_id = actor.user_id
    consent.withdrawal_reason = reason
    db.session.flush()  # the live index must be free before a new consent is added
    return consent


def record_consent(
    actor: User,
    person_id: int,
    subject: Subject,
    fields: Collection[SharedField],
    *,
    ip: str | None = None,
) -> Consent:
    """Staff record (or change) what a person agreed may be shared for one subject.
    The person must be in the actor's scope; one transaction."""
    require_writer(actor)
    get_person(actor, person_id)
    consent = give_consent(Actor(actor.id, actor.username, ip), person_id, subject, fields)
    db.session.commit()
    return consent


def withdraw_consent(
    actor: User, person_id: int, subject: Subject, reason: str = "", *, ip: str | None = None
) -> Consent | None:
    """The person withdrew their consent: from now on the partner, base or employer sees
    no name, phone, status or offence for this subject. Audited; one transaction."""
    require_writer(actor)
    person = get_person(actor, person_id)
    who = Actor(actor.id, actor.username, ip)
    consent = live_consent(subject)
    if consent is None or consent.person_id != person.id:
        return None
    _end_live(subject, who, reason.strip()[:500] or "withdrawn")
    audit.record(
        who,
        AuditAction.CONSENT_WITHDRAW,
        "consent",
        consent.id,
        office_id=person.office_id,
        person=person.id,
        subject=f"{subject.kind}:{subject.id}",
    )
    db.session.commit()
    return consent


def withdraw_all_of(person_id: int, actor: Actor, reason: str) -> int:
    """Withdraw every live consent of a person, in the caller's transaction."""
    result = db.session.execute(
        update(Consent)
        .where(Consent.person_id == person_id, Consent.withdrawn_at.is_(None))
        .values(withdrawn_at=utcnow(), withdrawn_by_id=actor.user_id, withdrawal_reason=reason)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def on_person_ended(person: Person, **_: object) -> None:
    """A case that ended shares nothing more with partners, bases or employers."""
    withdraw_all_of(person.id, Actor.system("case-ended"), "case ended")


def on_person_anonymised(person: Person, **_: object) -> None:
    # The withdrawal reasons are free text about the person.
    db.session.execute(
        update(Consent).where(Consent.person_id == person.id).values(withdrawal_reason="")
    )
