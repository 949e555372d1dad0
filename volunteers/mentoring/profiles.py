"""The mentee's side, as casework staff keep it: the mentoring profile, the consent to
be mentored (per pairing, with what may be shared) and declared conflicts of interest.

Each public function is one use case and one transaction, within the actor's person
scope (outside it: NotFound). Withdrawing consent ends the person's pairing in the
same transaction, so the volunteer's page answers 404 from the next request on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.errors import Conflict, NotFound, ValidationFailed
from core.people.services import require_writer
from core.pii import find_pii
from core.timeutil import local_today
from core.users import User
from volunteers.accounts.models import Volunteer
from volunteers.accounts.profile import LANGUAGES, SLOTS, clean_list
from volunteers.mentoring.access import active_person_in_scope, person_in_scope
from volunteers.mentoring.aliases import new_alias
from volunteers.mentoring.candidates import current_consent
from volunteers.mentoring.ending import end_pair, open_pairs_of_person
from volunteers.mentoring.models import (
    ConflictReason,
    ConsentStatus,
    EndReason,
    MenteeConflict,
    MentoringConsent,
    MentoringProfile,
)

MAX_NEEDS = 8
MAX_NEED_LENGTH = 20
MAX_NOTE = 300
MAX_CONFLICT_NOTE = 200


def _actor(user: User, ip: str | None) -> Actor:
    return Actor(user.id, user.username, ip)


def profile_of(person_id: int) -> MentoringProfile | None:
    return db.session.scalar(
        select(MentoringProfile).where(MentoringProfile.person_id == person_id)
    )


@dataclass
class ProfileInput:
    """What the officer records for pairing; cleaned and checked again here."""

    seeking: bool = False
    needs: list[str] = field(default_factory=list)
    needs_note: str = ""
    languages: list[str] = field(default_factory=list)
    availability: list[str] = field(default_factory=list)
    wants_same_gender: bool = False


def _clean(data: ProfileInput, person_name: str | None) -> ProfileInput:
    needs = clean_list(data.needs)
    if len(needs) > MAX_NEEDS:
        raise ValidationFailed("At most %(n)d needs.", field="needs", n=MAX_NEEDS)
    if any(len(need) > MAX_NEED_LENGTH for need in needs):
        raise ValidationFailed(
            "Each need in at most %(n)d characters.", field="needs", n=MAX_NEED_LENGTH
        )
    note = data.needs_note.strip()
    if len(note) > MAX_NOTE:
        raise ValidationFailed("At most %(n)d characters.", field="needs_note", n=MAX_NOTE)
    names = [person_name] if person_name else []
    for field_name, text in (("needs", "，".join(needs)), ("needs_note", note)):
        if find_pii(text, names):
            raise ValidationFailed(
                "The mentor reads this: write it without a name, ID number or phone number.",
                field=field_name,
            )
    languages = clean_list(data.languages, allowed=LANGUAGES)
    availability = clean_list(data.availability, allowed=SLOTS)
    if data.seeking and not needs:
        raise ValidationFailed(
            "Write at least one need before putting the person forward for pairing.",
            field="needs",
        )
    return ProfileInput(
        seeking=data.seeking,
        needs=needs,
        needs_note=note,
        languages=languages,
        availability=availability,
        wants_same_gender=data.wants_same_gender,
    )


def save_profile(
    actor: User, person_id: int, data: ProfileInput, *, ip: str | None = None
) -> MentoringProfile:
    """Create or update the person's mentoring profile (the alias is made once, here)."""
    person = active_person_in_scope(actor, person_id)
    cleaned = _clean(data, person.name)
    profile = profile_of(person.id)
    created = profile is None
    if profile is None:
        profile = MentoringProfile(person_id=person.id, alias=new_alias(), created_at=utcnow())
        db.session.add(profile)
    profile.seeking = cleaned.seeking
    profile.needs = cleaned.needs
    profile.needs_note = cleaned.needs_note
    profile.languages = cleaned.languages
    profile.availability = cleaned.availability
    profile.wants_same_gender = cleaned.wants_same_gender
    profile.updated_at = utcnow()
    profile.updated_by_id = actor.id
    db.session.flush()
    audit.record(
        _actor(actor, ip),
        AuditAction.MENTORING_PROFILE_SAVE,
        "person",
        person.id,
        office_id=person.office_id,
        created=created,
        seeking=cleaned.seeking,
    )
    db.session.commit()
    return profile


@dataclass
class ConsentInput:
    given_on: date | None
    share_town: bool = False
    share_languages: bool = False
    share_needs: bool = False


def record_consent(
    actor: User, person_id: int, data: ConsentInput, *, ip: str | None = None
) -> MentoringConsent:
    """Record the person's consent to be mentored, for their next pairing: what the
    mentor may be told, and the day the person gave it. One current consent at a time:
    to change what is shared, withdraw it (which ends a pairing under it) and record
    another."""
    person = active_person_in_scope(actor, person_id)
    if profile_of(person.id) is None:
        raise Conflict("Save the mentoring profile first.")
    if data.given_on is None:
        raise ValidationFailed("Give the date the person consented.", field="given_on")
    if data.given_on > local_today():
        raise ValidationFailed("The date cannot be in the future.", field="given_on")
    if current_consent(person.id, for_update=True) is not None:
        raise Conflict("A consent is already on record. Withdraw it before recording another.")
    consent = MentoringConsent(
        person_id=person.id,
        share_town=data.share_town,
        share_languages=data.share_languages,
        share_needs=data.share_needs,
        given_on=data.given_on,
        status=ConsentStatus.GIVEN,
        recorded_by_id=actor.id,
        recorded_at=utcnow(),
    )
    db.session.add(consent)
    db.session.flush()
    audit.record(
        _actor(actor, ip),
        AuditAction.MENTORING_CONSENT_RECORD,
        "person",
        person.id,
        office_id=person.office_id,
        consent=consent.id,
        given_on=data.given_on.isoformat(),
        shares=[
            name
            for name, shared in (
                ("town", data.share_town),
                ("languages", data.share_languages),
                ("needs", data.share_needs),
            )
            if shared
        ],
    )
    db.session.commit()
    return consent


def withdraw_consent(actor: User, person_id: int, *, ip: str | None = None) -> int:
    """The person took their consent back: it is withdrawn, they leave the pairing
    runs, and their pairing (proposed, awaiting confirmation or running) ends now.
    Returns how many pairs ended. Works on an ended case too (nothing to end then)."""
    require_writer(actor)
    person = person_in_scope(actor, person_id, lock=True)
    consent = current_consent(person.id, for_update=True)
    if consent is None:
        raise Conflict("There is no consent on record to withdraw.")
    who = _actor(actor, ip)
    consent.status = ConsentStatus.WITHDRAWN
    consent.withdrawn_at = consent.closed_at = utcnow()
    consent.withdrawn_by_id = actor.id
    profile = profile_of(person.id)
    if profile is not None:
        profile.seeking = False
    audit.record(
        who,
        AuditAction.MENTORING_CONSENT_WITHDRAW,
        "person",
        person.id,
        office_id=person.office_id,
        consent=consent.id,
    )
    pairs = open_pairs_of_person(person.id)
    for pair in pairs:
        end_pair(pair, EndReason.CONSENT_WITHDRAWN, who)
    db.session.commit()
    return len(pairs)


def declare_conflict(
    actor: User,
    person_id: int,
    volunteer_id: int,
    reason: str,
    note: str = "",
    *,
    ip: str | None = None,
) -> MenteeConflict:
    """The person and this volunteer must never be paired (same village, a relative...).
    A pair of the two already proposed or running ends at once."""
    person = active_person_in_scope(actor, person_id)
    if reason not in tuple(ConflictReason):
        raise ValidationFailed("Choose the reason for the conflict.", field="reason")
    note = note.strip()
    if len(note) > MAX_CONFLICT_NOTE:
        raise ValidationFailed("At most %(n)d characters.", field="note", n=MAX_CONFLICT_NOTE)
    volunteer = db.session.get(Volunteer, volunteer_id)
    if volunteer is None:
        raise ValidationFailed("Choose a volunteer.", field="volunteer_id")
    exists = db.session.scalar(
        select(MenteeConflict.id).where(
            MenteeConflict.person_id == person.id, MenteeConflict.volunteer_id == volunteer.id
        )
    )
    if exists is not None:
        raise Conflict("A conflict with this volunteer is already on record.")
    conflict = MenteeConflict(
        person_id=person.id,
        volunteer_id=volunteer.id,
        reason=reason,
        note=note,
        declared_by_id=actor.id,
        declared_at=utcnow(),
    )
    db.session.add(conflict)
    db.session.flush()
    who = _actor(actor, ip)
    audit.record(
        who,
        AuditAction.MENTORING_CONFLICT_DECLARE,
        "person",
        person.id,
        office_id=person.office_id,
        volunteer_id=volunteer.id,
        reason=reason,
    )
    for pair in open_pairs_of_person(person.id):
        if pair.volunteer_id == volunteer.id:
            end_pair(pair, EndReason.BY_STAFF, who, note="conflict_of_interest")
    db.session.commit()
    return conflict


def remove_conflict(
    actor: User, person_id: int, conflict_id: int, *, ip: str | None = None
) -> None:
    """Take back a conflict recorded in error; audited."""
    person = active_person_in_scope(actor, person_id)
    conflict = db.session.get(MenteeConflict, conflict_id)
    if conflict is None or conflict.person_id != person.id:
        raise NotFound("No such conflict of interest.")
    audit.record(
        _actor(actor, ip),
        AuditAction.MENTORING_CONFLICT_REMOVE,
        "person",
        person.id,
        office_id=person.office_id,
        volunteer_id=conflict.volunteer_id,
    )
    db.session.delete(conflict)
    db.session.commit()
