"""What the staff pages of mentoring read, and the dashboard's counts.

Reads only, except the audited views (`view_*`), which record the view and commit it
(a GET writes nothing but its audit entry). Scope as everywhere: casework pages see
the people of the reader's offices (minors only with the juvenile permission);
coordinators see every pair, a minor's only with the juvenile permission.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, func, select, true

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db
from core.errors import NotFound
from core.people.models import Person, PersonStatus
from core.people.services import scoped_people
from core.privacy import mask_name
from core.users import User
from volunteers.accounts.models import Volunteer
from volunteers.mentoring.access import PAIR_READERS, scoped_person_ids
from volunteers.mentoring.candidates import capacity_of, current_consent, open_pair_counts
from volunteers.mentoring.meetings import meeting_for_casework
from volunteers.mentoring.models import (
    OPEN_STATUSES,
    Meeting,
    MenteeConflict,
    MentorCapacity,
    MentoringConsent,
    MentoringProfile,
    MentorPair,
    PairingRun,
    PairStatus,
)
from volunteers.mentoring.pairs import pair_for_casework, pair_for_coordinator
from volunteers.vetting.models import Vetting


def _minors_visible(user: User) -> ColumnElement[bool]:
    return true() if user.may_see_minors else MentorPair.is_minor.is_(False)


# -- dashboard counts --------------------------------------------------------------------------


def open_concern_count(user: User) -> int:
    """Concerns flagged at meetings and not yet resolved, for the user's people."""
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(Meeting)
            .join(MentorPair, MentorPair.id == Meeting.pair_id)
            .where(
                Meeting.concern.is_(True),
                Meeting.concern_resolved_at.is_(None),
                MentorPair.person_id.in_(scoped_person_ids(user)),
            )
        )
        or 0
    )


def awaiting_confirmation_count(user: User) -> int:
    """Minors' pairs approved by the coordinator and waiting for the officer."""
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(MentorPair)
            .where(
                MentorPair.status == PairStatus.AWAITING_OFFICER,
                MentorPair.person_id.in_(scoped_person_ids(user)),
            )
        )
        or 0
    )


def to_approve_count(user: User) -> int:
    """Proposed pairs the coordinator has not decided."""
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(MentorPair)
            .where(MentorPair.status == PairStatus.PROPOSED, _minors_visible(user))
        )
        or 0
    )


# -- shared pieces -----------------------------------------------------------------------------


def aliases(person_ids: list[int]) -> dict[int, str]:
    rows = db.session.execute(
        select(MentoringProfile.person_id, MentoringProfile.alias).where(
            MentoringProfile.person_id.in_(person_ids)
        )
    )
    return {key: value for key, value in rows.tuples()}


def volunteer_names(volunteer_ids: list[int]) -> dict[int, str]:
    rows = db.session.execute(
        select(Volunteer.id, Volunteer.display_name).where(Volunteer.id.in_(volunteer_ids))
    )
    return {key: value for key, value in rows.tuples()}


@dataclass(frozen=True)
class PairLine:
    pair: MentorPair
    alias: str
    volunteer: str


def _lines(pairs: list[MentorPair]) -> list[PairLine]:
    names = volunteer_names([p.volunteer_id for p in pairs])
    known = aliases([p.person_id for p in pairs])
    return [PairLine(p, known.get(p.person_id, ""), names.get(p.volunteer_id, "")) for p in pairs]


# -- the coordinator's pages -------------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    to_approve: list[PairLine]
    awaiting_officer: list[PairLine]
    active: int
    runs: list[PairingRun]


def overview(user: User) -> Overview:
    def pairs(status: PairStatus) -> list[MentorPair]:
        return list(
            db.session.scalars(
                select(MentorPair)
                .where(MentorPair.status == status, _minors_visible(user))
                .order_by(MentorPair.proposed_at, MentorPair.id)
                .limit(200)
            )
        )

    active = db.session.scalar(
        select(func.count())
        .select_from(MentorPair)
        .where(MentorPair.status == PairStatus.ACTIVE, _minors_visible(user))
    )
    runs = list(db.session.scalars(select(PairingRun).order_by(PairingRun.id.desc()).limit(10)))
    return Overview(
        _lines(pairs(PairStatus.PROPOSED)),
        _lines(pairs(PairStatus.AWAITING_OFFICER)),
        int(active or 0),
        runs,
    )


@dataclass
class MenteeInRun:
    entry: dict[str, Any]  # the snapshot's mentee: alias, town, needs ...
    pair: PairLine | None = None
    unpaired_reason: str = ""
    unpaired_reason_en: str = ""
    best: list[dict[str, Any]] = field(default_factory=list)  # top candidates
    excluded: Counter[str] = field(default_factory=Counter)  # rule code -> volunteers


@dataclass(frozen=True)
class RunPage:
    run: PairingRun
    mentees: list[MenteeInRun]
    volunteers: int
    hidden_minors: int  # minors of the run the reader may not see


def run_page(user: User, run_id: int) -> RunPage:
    run = db.session.get(PairingRun, run_id)
    if run is None:
        raise NotFound("No such pairing run.")
    snapshot = run.snapshot
    names = {v["id"]: v["name"] for v in snapshot.get("volunteers", [])}
    visible = [m for m in snapshot.get("mentees", []) if user.may_see_minors or not m["is_minor"]]
    rows = {m["id"]: MenteeInRun(m) for m in visible}
    pairs = list(
        db.session.scalars(
            select(MentorPair).where(MentorPair.run_id == run.id, _minors_visible(user))
        )
    )
    for line in _lines(pairs):
        if line.pair.person_id in rows:
            rows[line.pair.person_id].pair = line
    for item in run.result.get("unpaired", []):
        if item["mentee_id"] in rows:
            rows[item["mentee_id"]].unpaired_reason = item["reason"]
            rows[item["mentee_id"]].unpaired_reason_en = item["reason_en"]
    scores: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for volunteer_id, mentee_id, score, points in snapshot.get("scores", []):
        if mentee_id in rows:
            scores[mentee_id].append(
                {"volunteer": names.get(volunteer_id, ""), "score": score, "points": points}
            )
    for mentee_id, found in scores.items():
        rows[mentee_id].best = sorted(found, key=lambda s: -s["score"])[:3]
    for _volunteer_id, mentee_id, codes in snapshot.get("excluded", []):
        if mentee_id in rows:
            rows[mentee_id].excluded.update(codes)
    return RunPage(
        run,
        list(rows.values()),
        len(names),
        len(snapshot.get("mentees", [])) - len(visible),
    )


@dataclass(frozen=True)
class MentorLine:
    volunteer: Volunteer
    vetting_status: str
    pledge_signed: bool
    juvenile_clearance: bool
    capacity: int
    capacity_set: bool
    open_pairs: int


def mentors() -> list[MentorLine]:
    rows = db.session.execute(
        select(Volunteer, Vetting, MentorCapacity)
        .outerjoin(Vetting, Vetting.volunteer_id == Volunteer.id)
        .outerjoin(MentorCapacity, MentorCapacity.volunteer_id == Volunteer.id)
        .where(Volunteer.active.is_(True))
        .order_by(Volunteer.display_name, Volunteer.id)
        .limit(1000)
    ).all()
    held = open_pair_counts()
    return [
        MentorLine(
            volunteer,
            vetting.status if vetting else "pending",
            bool(vetting and vetting.pledge_signed_at),
            bool(vetting and vetting.juvenile_clearance_at),
            capacity_of(volunteer.id) if row is None else row.capacity,
            row is not None,
            held.get(volunteer.id, 0),
        )
        for volunteer, vetting, row in rows
    ]


# -- a pair, for whoever may see it -------------------------------------------------------------


@dataclass(frozen=True)
class PairPage:
    line: PairLine
    consent: MentoringConsent | None
    contact_name: str
    meetings: list[Meeting]
    casework: bool  # the reader works on the person's case (sees topics, may confirm)


def _pair_for_reader(user: User, pair_id: int) -> tuple[MentorPair, bool]:
    if user.does_casework:
        try:
            return pair_for_casework(user, pair_id), True
        except NotFound:
            if not user.has_role(*PAIR_READERS):
                raise
    if user.has_role(*PAIR_READERS):
        return pair_for_coordinator(user, pair_id), False
    raise NotFound("No such mentoring pair.")


def view_pair(user: User, pair_id: int, *, ip: str | None = None) -> PairPage:
    """A pair's page: coordinators see the pair and its score; the person's casework
    staff also see what was said at meetings. The view is audited."""
    pair, casework = _pair_for_reader(user, pair_id)
    consent = db.session.get(MentoringConsent, pair.consent_id) if pair.consent_id else None
    contact = db.session.get(User, pair.contact_officer_id) if pair.contact_officer_id else None
    meetings = list(
        db.session.scalars(
            select(Meeting).where(Meeting.pair_id == pair.id).order_by(Meeting.met_on.desc())
        )
    )
    audit.record(
        Actor(user.id, user.username, ip), AuditAction.MENTORING_PAIR_VIEW, "mentor_pair", pair.id
    )
    db.session.commit()
    return PairPage(
        _lines([pair])[0], consent, contact.display_name if contact else "", meetings, casework
    )


# -- the casework pages ------------------------------------------------------------------------


@dataclass(frozen=True)
class MenteeRow:
    person: Person
    masked_name: str
    profile: MentoringProfile | None
    consent: bool
    open_pair: str  # the open pair's status, or ""


def mentee_rows(user: User, *, limit: int = 500) -> list[MenteeRow]:
    """The people of the user's offices, active cases first, with their mentoring state."""
    people = list(
        db.session.scalars(
            scoped_people(user)
            .order_by((Person.status == PersonStatus.ACTIVE).desc(), Person.id)
            .limit(limit)
        )
    )
    ids = [p.id for p in people]
    profiles = {
        p.person_id: p
        for p in db.session.scalars(
            select(MentoringProfile).where(MentoringProfile.person_id.in_(ids))
        )
    }
    consents = set(
        db.session.scalars(
            select(MentoringConsent.person_id).where(
                MentoringConsent.person_id.in_(ids), MentoringConsent.status == "given"
            )
        )
    )
    open_pairs = {
        person_id: status
        for person_id, status in db.session.execute(
            select(MentorPair.person_id, MentorPair.status).where(
                MentorPair.person_id.in_(ids), MentorPair.status.in_(OPEN_STATUSES)
            )
        ).tuples()
    }
    return [
        MenteeRow(
            p,
            mask_name(p.name),
            profiles.get(p.id),
            p.id in consents,
            open_pairs.get(p.id, ""),
        )
        for p in people
    ]


@dataclass(frozen=True)
class ConflictLine:
    conflict: MenteeConflict
    volunteer: str


@dataclass(frozen=True)
class MenteePage:
    person: Person
    masked_name: str
    profile: MentoringProfile | None
    consent: MentoringConsent | None
    consents: list[MentoringConsent]
    conflicts: list[ConflictLine]
    pairs: list[PairLine]
    concerns: list[Meeting]


def view_mentee_page(user: User, person_id: int, *, ip: str | None = None) -> MenteePage:
    """The person's mentoring page for their casework staff; the view is audited."""
    person = db.session.scalar(scoped_people(user).where(Person.id == person_id))
    if person is None:
        raise NotFound("No such person.")
    profile = db.session.scalar(
        select(MentoringProfile).where(MentoringProfile.person_id == person.id)
    )
    consents = list(
        db.session.scalars(
            select(MentoringConsent)
            .where(MentoringConsent.person_id == person.id)
            .order_by(MentoringConsent.id.desc())
        )
    )
    conflicts = list(
        db.session.scalars(
            select(MenteeConflict)
            .where(MenteeConflict.person_id == person.id)
            .order_by(MenteeConflict.id)
        )
    )
    names = volunteer_names([c.volunteer_id for c in conflicts])
    pairs = list(
        db.session.scalars(
            select(MentorPair)
            .where(MentorPair.person_id == person.id)
            .order_by(MentorPair.id.desc())
        )
    )
    concerns = list(
        db.session.scalars(
            select(Meeting)
            .where(
                Meeting.pair_id.in_([p.id for p in pairs]),
                Meeting.concern.is_(True),
                Meeting.concern_resolved_at.is_(None),
            )
            .order_by(Meeting.met_on)
        )
    )
    audit.record(
        Actor(user.id, user.username, ip),
        AuditAction.MENTORING_PROFILE_VIEW,
        "person",
        person.id,
        office_id=person.office_id,
    )
    db.session.commit()
    return MenteePage(
        person,
        mask_name(person.name),
        profile,
        current_consent(person.id),
        consents,
        [ConflictLine(c, names.get(c.volunteer_id, "")) for c in conflicts],
        _lines(pairs),
        concerns,
    )


@dataclass(frozen=True)
class ConcernLine:
    meeting: Meeting
    line: PairLine


def open_concerns(user: User) -> list[ConcernLine]:
    rows = db.session.execute(
        select(Meeting, MentorPair)
        .join(MentorPair, MentorPair.id == Meeting.pair_id)
        .where(
            Meeting.concern.is_(True),
            Meeting.concern_resolved_at.is_(None),
            MentorPair.person_id.in_(scoped_person_ids(user)),
        )
        .order_by(Meeting.recorded_at)
        .limit(500)
    ).all()
    lines = _lines([pair for _meeting, pair in rows])
    return [ConcernLine(meeting, line) for (meeting, _pair), line in zip(rows, lines, strict=True)]


def view_concern(user: User, meeting_id: int, *, ip: str | None = None) -> ConcernLine:
    """A concern flagged at a meeting, for the person's casework staff; audited as a view
    of its pair."""
    meeting = meeting_for_casework(user, meeting_id)
    if not meeting.concern:
        raise NotFound("No such meeting.")
    pair = db.session.get_one(MentorPair, meeting.pair_id)
    audit.record(
        Actor(user.id, user.username, ip),
        AuditAction.MENTORING_PAIR_VIEW,
        "mentor_pair",
        pair.id,
        meeting=meeting.id,
    )
    db.session.commit()
    return ConcernLine(meeting, _lines([pair])[0])


def volunteer_choices() -> list[tuple[int, str]]:
    """Volunteers an officer may name in a conflict of interest."""
    rows = db.session.execute(
        select(Volunteer.id, Volunteer.display_name, Volunteer.username)
        .where(Volunteer.active.is_(True))
        .order_by(Volunteer.display_name, Volunteer.id)
        .limit(2000)
    )
    return [(vid, f"{name}（{username}）") for vid, name, username in rows]
