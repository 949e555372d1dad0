"""The pairing step's input, read from the database: who may mentor, who waits for a
mentor, and the facts the hard rules and the scores look at.

The scoring step and the engine (volunteers.pairing) are pure: this module is where
rows become their plain profiles, and profiles become the run's snapshot (plain JSON,
no identity field of the person: the alias stands for them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from core.db import db
from core.people.models import Person, PersonStatus
from core.users import User
from volunteers.accounts.models import Gender, Volunteer
from volunteers.accounts.profile import PARTS_OF_DAY, WEEKDAYS
from volunteers.mentoring.models import (
    OPEN_STATUSES,
    ConsentStatus,
    MenteeConflict,
    MentorCapacity,
    MentoringConsent,
    MentoringProfile,
    MentorPair,
    PairStatus,
)
from volunteers.pairing.scoring import MenteeProfile, Slot, VolunteerProfile
from volunteers.vetting.models import Vetting, VettingStatus


def slots(values: Iterable[str]) -> frozenset[Slot]:
    """ "sat-morning" -> (5, "morning"); words that are no slot are dropped."""
    found: set[Slot] = set()
    for value in values:
        day, _, part = value.partition("-")
        if day in WEEKDAYS and part in PARTS_OF_DAY:
            found.add((WEEKDAYS.index(day), part))
    return frozenset(found)


def default_capacity() -> int:
    return int(current_app.config["MENTORING_DEFAULT_CAPACITY"])


def capacity_of(volunteer_id: int) -> int:
    row = db.session.get(MentorCapacity, volunteer_id)
    return default_capacity() if row is None else row.capacity


def open_pair_counts(statuses: Sequence[PairStatus] = OPEN_STATUSES) -> dict[int, int]:
    """Pairs per volunteer in these statuses."""
    rows = db.session.execute(
        select(MentorPair.volunteer_id, func.count())
        .where(MentorPair.status.in_(statuses))
        .group_by(MentorPair.volunteer_id)
    )
    return {volunteer_id: int(count) for volunteer_id, count in rows}


def _conflicts_by_volunteer(volunteer_ids: Sequence[int] | None = None) -> dict[int, set[int]]:
    query = select(MenteeConflict.volunteer_id, MenteeConflict.person_id)
    if volunteer_ids is not None:
        query = query.where(MenteeConflict.volunteer_id.in_(volunteer_ids))
    found: dict[int, set[int]] = defaultdict(set)
    for volunteer_id, person_id in db.session.execute(query):
        found[volunteer_id].add(person_id)
    return found


def _gender(value: str) -> str | None:
    return None if value in ("", Gender.UNSTATED) else value


@dataclass(frozen=True)
class Candidate:
    """A volunteer as the run sees them: the pure profile and what the page names."""

    profile: VolunteerProfile
    display_name: str
    capacity: int  # as set (the profile holds the places still open)


def volunteer_profile(
    volunteer: Volunteer,
    vetting: Vetting | None,
    *,
    places_open: int,
    conflicts: Iterable[int],
) -> VolunteerProfile:
    return VolunteerProfile(
        id=volunteer.id,
        skills=frozenset(volunteer.skills or []),
        languages=frozenset(volunteer.languages or []),
        towns=frozenset(volunteer.towns or []),
        availability=slots(volunteer.availability or []),
        gender=_gender(volunteer.gender),
        capacity=max(0, places_open),
        approved=vetting is not None and vetting.status == VettingStatus.APPROVED,
        pledge_signed=vetting is not None and vetting.pledge_signed_at is not None,
        juvenile_clearance=vetting is not None and vetting.juvenile_clearance_at is not None,
        conflicts=frozenset(conflicts),
    )


def candidate_volunteers() -> list[Candidate]:
    """Every active volunteer account, with the places each still has open. Those the
    hard rules exclude stay in the list, so the run shows why they were left out."""
    rows = db.session.execute(
        select(Volunteer, Vetting, MentorCapacity)
        .outerjoin(Vetting, Vetting.volunteer_id == Volunteer.id)
        .outerjoin(MentorCapacity, MentorCapacity.volunteer_id == Volunteer.id)
        .where(Volunteer.active.is_(True))
        .order_by(Volunteer.id)
    ).all()
    held = open_pair_counts()
    conflicts = _conflicts_by_volunteer()
    default = default_capacity()
    found = []
    for volunteer, vetting, capacity_row in rows:
        capacity = default if capacity_row is None else capacity_row.capacity
        profile = volunteer_profile(
            volunteer,
            vetting,
            places_open=capacity - held.get(volunteer.id, 0),
            conflicts=conflicts.get(volunteer.id, ()),
        )
        found.append(Candidate(profile, volunteer.display_name, capacity))
    return found


@dataclass(frozen=True)
class Waiting:
    """A person put forward for pairing, as the run sees them (no identity)."""

    profile: MenteeProfile
    alias: str
    needs_note: str


def mentee_profile(
    person: Person, profile: MentoringProfile, *, consent_given: bool
) -> MenteeProfile:
    return MenteeProfile(
        id=person.id,
        needs=frozenset(profile.needs or []),
        languages=frozenset(profile.languages or []),
        town=person.town,
        availability=slots(profile.availability or []),
        gender=person.sex or None,
        wants_same_gender=profile.wants_same_gender,
        is_minor=person.is_minor,
        consent_given=consent_given,
    )


def current_consent(person_id: int, *, for_update: bool = False) -> MentoringConsent | None:
    query = select(MentoringConsent).where(
        MentoringConsent.person_id == person_id, MentoringConsent.status == ConsentStatus.GIVEN
    )
    if for_update:
        query = query.with_for_update()
    return db.session.scalar(query)


def waiting_mentees(actor: User) -> list[Waiting]:
    """People put forward for pairing, with an active case and no open pair; minors only
    when the coordinator running it holds the juvenile permission. Those without a
    current consent stay in (the consent rule excludes their pairs, and the run shows
    the coordinator whom to ask the officer about)."""
    open_pair = (
        select(MentorPair.id)
        .where(MentorPair.person_id == Person.id, MentorPair.status.in_(OPEN_STATUSES))
        .exists()
    )
    query = (
        select(Person, MentoringProfile)
        .join(MentoringProfile, MentoringProfile.person_id == Person.id)
        .where(
            MentoringProfile.seeking.is_(True),
            Person.status == PersonStatus.ACTIVE,
            ~open_pair,
        )
        .order_by(Person.id)
    )
    if not actor.may_see_minors:
        query = query.where(Person.is_minor.is_(False))
    rows = db.session.execute(query).all()
    consenting = set(
        db.session.scalars(
            select(MentoringConsent.person_id).where(
                MentoringConsent.status == ConsentStatus.GIVEN,
                MentoringConsent.person_id.in_([person.id for person, _ in rows]),
            )
        )
    )
    return [
        Waiting(
            mentee_profile(person, profile, consent_given=person.id in consenting),
            profile.alias,
            profile.needs_note,
        )
        for person, profile in rows
    ]


# -- the run's snapshot: plain JSON -------------------------------------------------------------


def _slot_words(values: Iterable[Slot]) -> list[str]:
    return sorted(f"{WEEKDAYS[day]}-{part}" for day, part in values)


def volunteer_snapshot(candidate: Candidate) -> dict[str, Any]:
    p = candidate.profile
    return {
        "id": p.id,
        "name": candidate.display_name,
        "skills": sorted(p.skills),
        "languages": sorted(p.languages),
        "towns": sorted(p.towns),
        "availability": _slot_words(p.availability),
        "gender": p.gender,
        "capacity": candidate.capacity,
        "places_open": p.capacity,
        "approved": p.approved,
        "pledge_signed": p.pledge_signed,
        "juvenile_clearance": p.juvenile_clearance,
        "conflicts": sorted(int(c) for c in p.conflicts),
    }


def mentee_snapshot(waiting: Waiting) -> dict[str, Any]:
    p = waiting.profile
    return {
        "id": p.id,
        "alias": waiting.alias,
        "town": p.town,
        "needs": sorted(p.needs),
        "needs_note": waiting.needs_note,
        "languages": sorted(p.languages),
        "availability": _slot_words(p.availability),
        "gender": p.gender,
        "wants_same_gender": p.wants_same_gender,
        "is_minor": p.is_minor,
        "consent_given": p.consent_given,
    }
