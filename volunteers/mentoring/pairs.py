"""Decisions on mentoring pairs: the coordinator approves or declines what a run
proposed, the officer confirms a minor's pair, either ends a pair; an officer takes a
pair over after a transfer. The coordinator also sets how many mentees a volunteer
takes.

Every decision that starts a pair checks the hard rules again, at that moment, with
the volunteer's vetting row held (`lock_for_decision`): a suspension committing at
the same time either is seen here or waits and then ends the pair, and two approvals
for one volunteer's last place start one pair.
"""

from __future__ import annotations

from sqlalchemy import func, select

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.errors import Conflict, NotFound, ValidationFailed
from core.people.models import Person, PersonStatus
from core.people.services import require_writer, scoped_people
from core.tasks.services import close_tasks_for
from core.towns import distance_km
from core.users import User, visible_office_ids
from volunteers.accounts.models import Volunteer
from volunteers.mentoring.access import require_coordinator
from volunteers.mentoring.candidates import (
    capacity_of,
    current_consent,
    mentee_profile,
    volunteer_profile,
)
from volunteers.mentoring.ending import (
    ask_officer_to_confirm,
    close_pair_tasks,
    end_pair,
    transfer_key,
)
from volunteers.mentoring.models import (
    EndReason,
    MenteeConflict,
    MentorCapacity,
    MentoringProfile,
    MentorPair,
    PairStatus,
)
from volunteers.pairing.scoring import Excluded, score_pair
from volunteers.vetting.models import Vetting

MAX_NOTE = 500
MAX_CAPACITY = 10


def rule_refusal(code: str) -> Conflict:
    """Why a pair cannot start now, for a hard rule of the scoring step (its code)."""
    match code:
        case "no_consent":
            return Conflict(
                "The person's consent to mentoring is not on record (or was withdrawn)."
            )
        case "not_approved":
            return Conflict("The volunteer is not approved.")
        case "pledge_not_signed":
            return Conflict("The volunteer has not signed the confidentiality pledge.")
        case "no_juvenile_clearance":
            return Conflict("The mentee is a minor and the volunteer holds no juvenile clearance.")
        case "conflict_of_interest":
            return Conflict("A conflict of interest between the two is on record.")
        case "no_capacity":
            return Conflict("The volunteer has no place left.")
        case "gender_not_matched":
            return Conflict("The mentee asked for a mentor of the same gender.")
        case _:
            return Conflict("This pair breaks a pairing rule.")


def _actor(user: User, ip: str | None) -> Actor:
    return Actor(user.id, user.username, ip)


# -- finding a pair within the actor's reach ---------------------------------------------------


def _locked_pair(pair_id: int) -> MentorPair | None:
    return db.session.scalar(select(MentorPair).where(MentorPair.id == pair_id).with_for_update())


def pair_for_coordinator(actor: User, pair_id: int, *, lock: bool = False) -> MentorPair:
    """A pair as coordinators see them: a minor's only with the juvenile permission."""
    pair = _locked_pair(pair_id) if lock else db.session.get(MentorPair, pair_id)
    if pair is None or (pair.is_minor and not actor.may_see_minors):
        raise NotFound("No such mentoring pair.")
    return pair


def pair_for_casework(actor: User, pair_id: int, *, lock: bool = False) -> MentorPair:
    """A pair of a person in the actor's casework scope."""
    pair = _locked_pair(pair_id) if lock else db.session.get(MentorPair, pair_id)
    if pair is None:
        raise NotFound("No such mentoring pair.")
    in_scope = db.session.scalar(
        scoped_people(actor).with_only_columns(Person.id).where(Person.id == pair.person_id)
    )
    if in_scope is None:
        raise NotFound("No such mentoring pair.")
    return pair


# -- the hard rules, now ----------------------------------------------------------------------


def broken_rules(pair: MentorPair, person: Person) -> list[str]:
    """The hard rules the pair breaks at this moment (codes of the scoring step), the
    vetting row held until the transaction ends."""
    volunteer = db.session.get(Volunteer, pair.volunteer_id)
    profile = db.session.scalar(
        select(MentoringProfile).where(MentoringProfile.person_id == person.id)
    )
    if volunteer is None or profile is None:
        raise NotFound("No such mentoring pair.")
    vetting = db.session.scalar(
        select(Vetting).where(Vetting.volunteer_id == volunteer.id).with_for_update(read=True)
    )
    if not volunteer.active:
        vetting = None  # a closed account is no mentor, whatever its vetting says
    held = db.session.scalar(
        select(func.count())
        .select_from(MentorPair)
        .where(
            MentorPair.volunteer_id == volunteer.id,
            MentorPair.id != pair.id,
            MentorPair.status.in_((PairStatus.AWAITING_OFFICER, PairStatus.ACTIVE)),
        )
    )
    conflicts = db.session.scalars(
        select(MenteeConflict.person_id).where(MenteeConflict.volunteer_id == volunteer.id)
    )
    outcome = score_pair(
        volunteer_profile(
            volunteer,
            vetting,
            places_open=capacity_of(volunteer.id) - int(held or 0),
            conflicts=list(conflicts),
        ),
        mentee_profile(person, profile, consent_given=current_consent(person.id) is not None),
        distance_km=distance_km,
    )
    return [rule.code for rule in outcome.rules] if isinstance(outcome, Excluded) else []


def _refuse_if_broken(pair: MentorPair, person: Person) -> None:
    if person.status != PersonStatus.ACTIVE:
        raise Conflict("This case is not active.")
    rules = broken_rules(pair, person)
    if rules:
        raise rule_refusal(rules[0])


def lock_for_decision(pair: MentorPair, *, hold_vetting: bool) -> Person:
    """Take the rows a decision on `pair` needs, in the order every mentoring use case
    takes them: the volunteer's vetting row (only to start a pair), the person, then the
    pair. A suspension (vetting, then pairs), a case ending or a transfer (person, then
    pairs) and a consent withdrawal (person, consent, pairs) racing this decision then
    wait for it, or it for them; none deadlocks. Holding the vetting row also lines up
    two decisions starting pairs of one volunteer, so each counts the places the other
    took. Returns the person; the pair is reloaded as locked."""
    if hold_vetting:
        db.session.execute(
            select(Vetting.volunteer_id)
            .where(Vetting.volunteer_id == pair.volunteer_id)
            .with_for_update()
        )
    person = db.session.scalar(
        select(Person)
        .where(Person.id == pair.person_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    db.session.scalar(
        select(MentorPair)
        .where(MentorPair.id == pair.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if person is None:
        raise NotFound("No such mentoring pair.")
    return person


def _contact_in_office(user_id: int, office_id: int) -> int | None:
    """The officer who recorded the consent is the volunteer's contact, while they still
    work for the person's office (not after a transfer moved the person on)."""
    user = db.session.get(User, user_id)
    if user is None or not user.active or not user.does_casework:
        return None
    offices = visible_office_ids(user)
    return user.id if offices is None or office_id in offices else None


def _note(note: str, *, required: bool) -> str:
    cleaned = note.strip()
    if required and not cleaned:
        raise ValidationFailed("Give a reason.", field="note")
    if len(cleaned) > MAX_NOTE:
        raise ValidationFailed("At most %(n)d characters.", field="note", n=MAX_NOTE)
    return cleaned


# -- decisions ----------------------------------------------------------------------------------


def approve_pair(actor: User, pair_id: int, *, ip: str | None = None) -> MentorPair:
    """The coordinator approves a proposed pair. An adult's pair starts now; a minor's
    waits for the person's officer to confirm it (a task tells the office)."""
    require_coordinator(actor)
    pair = pair_for_coordinator(actor, pair_id)
    person = lock_for_decision(pair, hold_vetting=True)
    if pair.status != PairStatus.PROPOSED:
        raise Conflict("This pair has already been decided.")
    _refuse_if_broken(pair, person)
    consent = current_consent(person.id, for_update=True)
    assert consent is not None  # the consent rule just passed
    now = utcnow()
    pair.consent_id = consent.id
    pair.approved_at = now
    pair.approved_by_id = actor.id
    pair.contact_officer_id = _contact_in_office(consent.recorded_by_id, person.office_id)
    if pair.is_minor:
        pair.status = PairStatus.AWAITING_OFFICER
        ask_officer_to_confirm(pair, person.office_id)
    else:
        pair.status = PairStatus.ACTIVE
        pair.started_at = now
    audit.record(
        _actor(actor, ip),
        AuditAction.MENTORING_PAIR_APPROVE,
        "mentor_pair",
        pair.id,
        person_id=person.id,
        volunteer_id=pair.volunteer_id,
        status=str(pair.status),
    )
    db.session.commit()
    return pair


def decline_pair(actor: User, pair_id: int, note: str, *, ip: str | None = None) -> MentorPair:
    """The coordinator does not approve a proposed pair; the person waits for the next run."""
    require_coordinator(actor)
    note = _note(note, required=True)
    pair = pair_for_coordinator(actor, pair_id, lock=True)
    if pair.status != PairStatus.PROPOSED:
        raise Conflict("This pair has already been decided.")
    pair.status = PairStatus.DECLINED
    pair.ended_at = utcnow()
    pair.ended_by_id = actor.id
    pair.end_note = note
    audit.record(
        _actor(actor, ip),
        AuditAction.MENTORING_PAIR_DECLINE,
        "mentor_pair",
        pair.id,
        person_id=pair.person_id,
        volunteer_id=pair.volunteer_id,
    )
    db.session.commit()
    return pair


def confirm_pair(actor: User, pair_id: int, *, ip: str | None = None) -> MentorPair:
    """The person's officer confirms a minor's approved pair: it starts now, with the
    confirming officer as the volunteer's contact."""
    require_writer(actor)
    pair = pair_for_casework(actor, pair_id)
    person = lock_for_decision(pair, hold_vetting=True)
    if pair.status != PairStatus.AWAITING_OFFICER:
        raise Conflict("This pair is not waiting for confirmation.")
    _refuse_if_broken(pair, person)
    now = utcnow()
    pair.status = PairStatus.ACTIVE
    pair.confirmed_at = pair.started_at = now
    pair.confirmed_by_id = actor.id
    pair.contact_officer_id = actor.id
    close_pair_tasks(pair.id)
    audit.record(
        _actor(actor, ip),
        AuditAction.MENTORING_PAIR_CONFIRM,
        "mentor_pair",
        pair.id,
        person_id=person.id,
        volunteer_id=pair.volunteer_id,
    )
    db.session.commit()
    return pair


def end_pair_as_staff(actor: User, pair_id: int, note: str, *, ip: str | None = None) -> MentorPair:
    """An officer (within scope) or a coordinator ends an open pair, with a reason. An
    officer refusing a minor's pair awaiting confirmation ends it this way too."""
    note = _note(note, required=True)
    if actor.may_write_casework:
        pair = pair_for_casework(actor, pair_id)
    else:
        require_coordinator(actor)
        pair = pair_for_coordinator(actor, pair_id)
    lock_for_decision(pair, hold_vetting=False)
    if not pair.is_open:
        raise Conflict("This pair has already ended.")
    reason = (
        EndReason.OFFICER_DECLINED
        if pair.status == PairStatus.AWAITING_OFFICER and actor.may_write_casework
        else EndReason.BY_STAFF
    )
    end_pair(pair, reason, _actor(actor, ip), note=note)
    db.session.commit()
    return pair


def take_over_pair(actor: User, pair_id: int, *, ip: str | None = None) -> MentorPair:
    """An officer of the person's office becomes the volunteer's contact (after a
    transfer, or when the contact changes)."""
    require_writer(actor)
    pair = pair_for_casework(actor, pair_id, lock=True)
    if pair.status not in (PairStatus.AWAITING_OFFICER, PairStatus.ACTIVE):
        raise Conflict("This pair is not running.")
    before = pair.contact_officer_id
    pair.contact_officer_id = actor.id
    close_tasks_for(transfer_key(pair.id))
    audit.record(
        _actor(actor, ip),
        AuditAction.MENTORING_PAIR_TAKE_OVER,
        "mentor_pair",
        pair.id,
        person_id=pair.person_id,
        previous_contact=before,
    )
    db.session.commit()
    return pair


def set_capacity(
    actor: User, volunteer_id: int, capacity: int | None, *, ip: str | None = None
) -> MentorCapacity:
    """How many mentees the volunteer takes at once (0: none). Pairs already running
    stay; only new pairs count against it."""
    require_coordinator(actor)
    if capacity is None or not 0 <= capacity <= MAX_CAPACITY:
        raise ValidationFailed(
            "Enter a whole number from 0 to %(n)d.", field="capacity", n=MAX_CAPACITY
        )
    volunteer = db.session.get(Volunteer, volunteer_id)
    if volunteer is None:
        raise NotFound("There is no such volunteer.")
    row = db.session.get(MentorCapacity, volunteer.id, with_for_update=True)
    if row is None:
        row = MentorCapacity(volunteer_id=volunteer.id, capacity=capacity, updated_by_id=actor.id)
        db.session.add(row)
    row.capacity = capacity
    row.updated_at = utcnow()
    row.updated_by_id = actor.id
    audit.record(
        _actor(actor, ip),
        AuditAction.MENTORING_CAPACITY_SET,
        "volunteer",
        volunteer.id,
        capacity=capacity,
    )
    db.session.commit()
    return row
