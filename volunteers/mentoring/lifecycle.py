"""What happens to pairs when the person's case or the volunteer's standing changes.

Each handler runs inside the transaction of what happened (core.signals for the
person, vetting.signals for the volunteer) and never commits: the pair ends or moves
with it, or not at all.

- Case ended: every open pair of the person ends (reason `case_ended`), the consent is
  spent and the person is no longer put forward.
- Transfer: the pairing stays (the person keeps their mentor), but the volunteer's
  contact moves with the office: the contact officer is cleared, so the volunteer's
  page names the new office until one of its officers takes the pair over; a task
  asks the new office to take it over or end it. A minor's pair still awaiting
  confirmation, and open concerns, move to the new office's officers.
- Anonymisation: the free text of mentoring goes (meeting topics, concern notes and
  resolutions, needs, end notes, the score details that quote needs and towns, the
  person's entries in run snapshots); dates, durations and scores stay for statistics.
- Volunteer suspended: every open pair of the volunteer ends (`volunteer_suspended`).

Each end, move and removal is audited.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.people.models import Person
from core.tasks.services import close_tasks_for
from volunteers.mentoring.candidates import current_consent
from volunteers.mentoring.ending import (
    CONCERN_TASK,
    TRANSFER_TASK,
    alias_of,
    ask_officer_to_confirm,
    close_pair_tasks,
    concern_key,
    end_pair,
    open_pairs_of_person,
    open_pairs_of_volunteer,
    pair_path,
    task_for_officers,
    transfer_key,
)
from volunteers.mentoring.meetings import concern_path
from volunteers.mentoring.models import (
    ConsentStatus,
    EndReason,
    Meeting,
    MenteeConflict,
    MentoringProfile,
    MentorPair,
    PairingRun,
    PairStatus,
)


def on_person_ended(person: Person, **_kwargs: Any) -> None:
    actor = Actor.system("person-ended")
    for pair in open_pairs_of_person(person.id):
        end_pair(pair, EndReason.CASE_ENDED, actor)
    consent = current_consent(person.id, for_update=True)
    if consent is not None:  # given but not yet used by a pair
        consent.status = ConsentStatus.SPENT
        consent.closed_at = utcnow()
    profile = db.session.scalar(
        select(MentoringProfile).where(MentoringProfile.person_id == person.id)
    )
    if profile is not None:
        profile.seeking = False


def on_person_transferred(person: Person, *, from_office_id: int, **_kwargs: Any) -> None:
    actor = Actor.system("person-transferred")
    alias = alias_of(person.id)
    for pair in open_pairs_of_person(person.id):
        if pair.status == PairStatus.PROPOSED:
            continue  # nothing started: the coordinator's approval names the contact
        close_pair_tasks(pair.id)
        pair.contact_officer_id = None
        if pair.status == PairStatus.AWAITING_OFFICER:
            ask_officer_to_confirm(pair, person.office_id)
        else:
            task_for_officers(
                kind=TRANSFER_TASK,
                key=transfer_key(pair.id),
                title="A mentored person moved to your office: take over the pairing of %(alias)s, or end it",
                office_id=person.office_id,
                link=pair_path(pair.id),
                alias=alias,
            )
        audit.record(
            actor,
            AuditAction.MENTORING_PAIR_MOVE,
            "mentor_pair",
            pair.id,
            person_id=person.id,
            from_office_id=from_office_id,
            to_office_id=person.office_id,
        )
    _move_open_concerns(person, alias)


def _move_open_concerns(person: Person, alias: str) -> None:
    concerns = db.session.scalars(
        select(Meeting)
        .join(MentorPair, MentorPair.id == Meeting.pair_id)
        .where(
            MentorPair.person_id == person.id,
            Meeting.concern.is_(True),
            Meeting.concern_resolved_at.is_(None),
        )
    )
    for meeting in concerns:
        close_tasks_for(concern_key(meeting.id))
        task_for_officers(
            kind=CONCERN_TASK,
            key=concern_key(meeting.id),
            title="A mentor flagged a concern about %(alias)s",
            office_id=person.office_id,
            link=concern_path(meeting.id),
            alias=alias,
        )


def _scrub_snapshot(run: PairingRun, person_id: int) -> bool:
    snapshot: dict[str, Any] = dict(run.snapshot)
    changed = False
    mentees = []
    for entry in snapshot.get("mentees", []):
        if entry.get("id") == person_id and (entry.get("needs") or entry.get("needs_note")):
            entry = {**entry, "needs": [], "needs_note": ""}
            changed = True
        mentees.append(entry)
    if changed:
        snapshot["mentees"] = mentees
        run.snapshot = snapshot  # a new object: the JSON column sees the change
    return changed


def on_person_anonymised(person: Person, **_kwargs: Any) -> None:
    pairs = list(db.session.scalars(select(MentorPair).where(MentorPair.person_id == person.id)))
    meetings = list(
        db.session.scalars(select(Meeting).where(Meeting.pair_id.in_([p.id for p in pairs])))
    )
    for meeting in meetings:
        meeting.topic = ""
        meeting.concern_note = ""
        meeting.concern_resolution = ""
    for pair in pairs:
        pair.end_note = ""
        pair.breakdown = [{**term, "detail": "", "detail_en": ""} for term in pair.breakdown]
    profile = db.session.scalar(
        select(MentoringProfile).where(MentoringProfile.person_id == person.id)
    )
    if profile is not None:
        profile.needs = []
        profile.needs_note = ""
        profile.languages = []
        profile.availability = []
        profile.seeking = False
    for conflict in db.session.scalars(
        select(MenteeConflict).where(MenteeConflict.person_id == person.id)
    ):
        conflict.note = ""
    runs = sum(_scrub_snapshot(run, person.id) for run in db.session.scalars(select(PairingRun)))
    audit.record(
        Actor.system("anonymise-ended"),
        AuditAction.MENTORING_SCRUB,
        "person",
        person.id,
        pairs=len(pairs),
        meetings=len(meetings),
        runs=runs,
    )


def on_volunteer_suspended(_sender: object, *, volunteer_id: int, actor: Actor, **_kw: Any) -> None:
    for pair in open_pairs_of_volunteer(volunteer_id):
        end_pair(pair, EndReason.VOLUNTEER_SUSPENDED, actor)
