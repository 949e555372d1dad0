"""The volunteer's side of a pair: their mentee's card, and the meeting log.

A volunteer reaches a pair only through its unguessable id, only while it is active
and theirs, and only while they may meet mentees (approved, pledge signed, juvenile
clearance for a minor). Anything else, including a pair that ended a moment ago,
answers NotFound: the same as a pair that never existed.

The card shows the mentee by alias, with only what the consent lets through (town,
languages, needs in plain words) and whom at the office to contact. Never a name, an
ID number, a phone, an address, an offence or the kind of case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.errors import Conflict, NotFound, ValidationFailed
from core.orgs import OrgUnit
from core.people.models import Person, PersonStatus
from core.people.services import require_writer
from core.tasks.services import close_tasks_for
from core.timeutil import local_today, to_local
from core.users import User
from volunteers.accounts.models import Volunteer
from volunteers.accounts.sessions import volunteer_actor
from volunteers.mentoring.ending import CONCERN_TASK, alias_of, concern_key, task_for_officers
from volunteers.mentoring.models import (
    ConsentStatus,
    Meeting,
    MentoringConsent,
    MentoringProfile,
    MentorPair,
    PairStatus,
)
from volunteers.mentoring.pairs import pair_for_casework
from volunteers.vetting.services import may_meet_mentees

MAX_TOPIC = 200
MAX_CONCERN = 500
MAX_RESOLUTION = 500
MAX_DURATION_MIN = 720


def concern_path(meeting_id: int) -> str:
    return f"/volunteers/mentoring/concerns/{meeting_id}"


def active_pair_for_volunteer(
    volunteer_id: int, public_id: str, *, lock: bool = False
) -> MentorPair:
    """The volunteer's own active pair with this id, or NotFound."""
    if not public_id or len(public_id) > 36:
        raise NotFound("No such mentee.")
    query = select(MentorPair).where(
        MentorPair.public_id == public_id,
        MentorPair.volunteer_id == volunteer_id,
        MentorPair.status == PairStatus.ACTIVE,
    )
    pair = db.session.scalar(query.with_for_update() if lock else query)
    if pair is None:
        raise NotFound("No such mentee.")
    person = db.session.get(Person, pair.person_id)
    consent = db.session.get(MentoringConsent, pair.consent_id) if pair.consent_id else None
    # Each of these ends the pair in its own transaction; checked again all the same.
    if (
        person is None
        or person.status != PersonStatus.ACTIVE
        or consent is None
        or consent.status != ConsentStatus.GIVEN
        or not may_meet_mentees(volunteer_id, minor=pair.is_minor)
    ):
        raise NotFound("No such mentee.")
    return pair


# -- what the volunteer reads ------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingLine:
    met_on: date
    duration_min: int
    topic: str
    concern: bool


@dataclass(frozen=True)
class MenteeCard:
    """Everything the volunteer's mentee page shows; nothing else reaches it."""

    public_id: str
    alias: str
    started_on: date
    town: str | None  # None: not shared
    languages: list[str] | None
    needs: list[str] | None
    needs_note: str | None
    office_name: str | None  # the office names the town: shown only when the town is shared
    contact_name: str | None  # None: no contact officer (e.g. just after a transfer)
    meetings: list[MeetingLine]


@dataclass(frozen=True)
class MenteeLink:
    public_id: str
    alias: str


def _started_on(pair: MentorPair) -> date:
    return to_local(pair.started_at or pair.proposed_at).date()


def _card(pair: MentorPair) -> MenteeCard:
    person = db.session.get_one(Person, pair.person_id)
    profile = db.session.scalar(
        select(MentoringProfile).where(MentoringProfile.person_id == person.id)
    )
    consent = db.session.get_one(MentoringConsent, pair.consent_id)
    office = db.session.get_one(OrgUnit, person.office_id)
    contact = db.session.get(User, pair.contact_officer_id) if pair.contact_officer_id else None
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.pair_id == pair.id).order_by(Meeting.met_on.desc())
    )
    return MenteeCard(
        public_id=pair.public_id,
        alias=profile.alias if profile else "",
        started_on=_started_on(pair),
        town=person.town if consent.share_town else None,
        languages=list(profile.languages) if profile and consent.share_languages else None,
        needs=list(profile.needs) if profile and consent.share_needs else None,
        needs_note=(profile.needs_note or None) if profile and consent.share_needs else None,
        office_name=office.name if consent.share_town else None,
        contact_name=contact.display_name if contact is not None and contact.active else None,
        meetings=[MeetingLine(m.met_on, m.duration_min, m.topic, m.concern) for m in meetings],
    )


def view_mentee(volunteer: Volunteer, public_id: str, *, ip: str | None = None) -> MenteeCard:
    """The volunteer opens their mentee's page; the view is audited."""
    pair = active_pair_for_volunteer(volunteer.id, public_id)
    card = _card(pair)
    audit.record(
        volunteer_actor(volunteer, ip),
        AuditAction.MENTORING_MENTEE_VIEW,
        "mentor_pair",
        pair.id,
    )
    db.session.commit()
    return card


def mentees_of(volunteer_id: int) -> list[MenteeLink]:
    """The volunteer's active pairs, for their home page (a read: no audit entry; the
    page behind each link audits its view)."""
    rows = db.session.execute(
        select(MentorPair.public_id, MentoringProfile.alias)
        .join(MentoringProfile, MentoringProfile.person_id == MentorPair.person_id)
        .join(Person, Person.id == MentorPair.person_id)
        .where(
            MentorPair.volunteer_id == volunteer_id,
            MentorPair.status == PairStatus.ACTIVE,
            Person.status == PersonStatus.ACTIVE,
        )
        .order_by(MentorPair.started_at)
    )
    return [MenteeLink(public_id, alias) for public_id, alias in rows]


# -- the meeting log ---------------------------------------------------------------------------


@dataclass
class MeetingInput:
    met_on: date | None
    duration_min: int | None
    topic: str
    concern: bool = False
    concern_note: str = ""


def _checked(data: MeetingInput, pair: MentorPair) -> MeetingInput:
    if data.met_on is None:
        raise ValidationFailed("Give the date of the meeting.", field="met_on")
    if data.met_on > local_today():
        raise ValidationFailed("The date cannot be in the future.", field="met_on")
    if data.met_on < _started_on(pair):
        raise ValidationFailed("The date is before the pairing started.", field="met_on")
    if data.duration_min is None or not 1 <= data.duration_min <= MAX_DURATION_MIN:
        raise ValidationFailed(
            "Enter the length in minutes, from 1 to %(n)d.",
            field="duration_min",
            n=MAX_DURATION_MIN,
        )
    topic = data.topic.strip()
    if not topic:
        raise ValidationFailed("Say in a few words what you talked about.", field="topic")
    if len(topic) > MAX_TOPIC:
        raise ValidationFailed("At most %(n)d characters.", field="topic", n=MAX_TOPIC)
    note = data.concern_note.strip()
    if data.concern and not note:
        raise ValidationFailed("Say what worries you, for the officer.", field="concern_note")
    if len(note) > MAX_CONCERN:
        raise ValidationFailed("At most %(n)d characters.", field="concern_note", n=MAX_CONCERN)
    return MeetingInput(data.met_on, data.duration_min, topic, data.concern, note)


def log_meeting(
    volunteer: Volunteer, public_id: str, data: MeetingInput, *, ip: str | None = None
) -> Meeting:
    """The volunteer records a meeting with their mentee. A concern flag opens a task for
    the officers of the person's office, in the same transaction."""
    pair = active_pair_for_volunteer(volunteer.id, public_id, lock=True)
    checked = _checked(data, pair)
    meeting = Meeting(
        pair_id=pair.id,
        met_on=checked.met_on,
        duration_min=checked.duration_min,
        topic=checked.topic,
        concern=checked.concern,
        concern_note=checked.concern_note if checked.concern else "",
        recorded_at=utcnow(),
    )
    db.session.add(meeting)
    db.session.flush()
    if checked.concern:
        person = db.session.get_one(Person, pair.person_id)
        task_for_officers(
            kind=CONCERN_TASK,
            key=concern_key(meeting.id),
            title="A mentor flagged a concern about %(alias)s",
            office_id=person.office_id,
            link=concern_path(meeting.id),
            alias=alias_of(person.id),
        )
    audit.record(
        volunteer_actor(volunteer, ip),
        AuditAction.MENTORING_MEETING_LOG,
        "mentor_pair",
        pair.id,
        meeting=meeting.id,
        concern=checked.concern,
    )
    db.session.commit()
    return meeting


# -- concerns, on the officer's side -----------------------------------------------------------


def meeting_for_casework(actor: User, meeting_id: int, *, lock: bool = False) -> Meeting:
    query = select(Meeting).where(Meeting.id == meeting_id)
    meeting = db.session.scalar(query.with_for_update() if lock else query)
    if meeting is None:
        raise NotFound("No such meeting.")
    pair_for_casework(actor, meeting.pair_id)  # the person's scope, or NotFound
    return meeting


def resolve_concern(
    actor: User, meeting_id: int, resolution: str, *, ip: str | None = None
) -> Meeting:
    """An officer of the person's office records what was done about a concern; its task
    closes."""
    require_writer(actor)
    meeting = meeting_for_casework(actor, meeting_id, lock=True)
    if not meeting.concern:
        raise NotFound("No such meeting.")
    if meeting.concern_resolved_at is not None:
        raise Conflict("This concern has already been resolved.")
    resolution = resolution.strip()
    if not resolution:
        raise ValidationFailed("Write what was done.", field="resolution")
    if len(resolution) > MAX_RESOLUTION:
        raise ValidationFailed("At most %(n)d characters.", field="resolution", n=MAX_RESOLUTION)
    meeting.concern_resolved_at = utcnow()
    meeting.concern_resolved_by_id = actor.id
    meeting.concern_resolution = resolution
    close_tasks_for(concern_key(meeting.id), closed_by=actor)
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.MENTORING_CONCERN_RESOLVE,
        "mentor_pair",
        meeting.pair_id,
        meeting=meeting.id,
    )
    db.session.commit()
    return meeting
