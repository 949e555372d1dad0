"""What coordinators set up: programmes, their activities and shifts."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.errors import PermissionDenied
from core.towns import TOWN_NAMES
from core.users import Role, User
from volunteers.accounts.models import Organisation
from volunteers.programmes import signups
from volunteers.programmes.errors import ShiftInvalid
from volunteers.programmes.models import (
    Activity,
    Programme,
    ProgrammeCoordinator,
    ProgrammePartner,
    Shift,
    ShiftStatus,
)
from volunteers.programmes.scope import CREATORS, run_activity, run_programme

MAX_CAPACITY = 500
MAX_SHIFT_HOURS = 24


def _actor(user: User, ip: str | None) -> Actor:
    return Actor(user.id, user.username, ip)


@dataclass
class ProgrammeInput:
    name: str
    description: str = ""
    coordinator_ids: list[int] = field(default_factory=list)
    partner_ids: list[int] = field(default_factory=list)
    active: bool = True


def _coordinator_ids(ids: list[int]) -> list[int]:
    found = set(
        db.session.scalars(
            select(User.id).where(
                User.id.in_(ids), User.role == Role.COORDINATOR, User.active.is_(True)
            )
        )
    )
    return sorted(found)


def save_programme(
    user: User, data: ProgrammeInput, programme_id: int | None = None, ip: str | None = None
) -> Programme:
    """Create a programme (its creator, if a coordinator, coordinates it) or change one the
    user runs; names unique; audited."""
    if not user.has_role(*CREATORS):
        raise PermissionDenied("Only coordinators may set up programmes.")
    name = " ".join(data.name.split())
    if not name or len(name) > 80:
        raise ShiftInvalid("Enter the programme's name (at most 80 characters).", field="name")
    clash = db.session.scalar(
        select(Programme.id).where(
            func.lower(Programme.name) == name.lower(), Programme.id != (programme_id or 0)
        )
    )
    if clash is not None:
        raise ShiftInvalid("A programme of this name exists already.", field="name")
    if programme_id is None:
        programme = Programme(name=name, created_at=utcnow(), created_by_id=user.id)
        db.session.add(programme)
    else:
        programme = run_programme(user, programme_id)
        programme.name = name
    programme.description = data.description.strip()[:2000]
    programme.active = data.active
    db.session.flush()
    coordinator_ids = set(_coordinator_ids(data.coordinator_ids))
    if user.has_role(Role.COORDINATOR):
        coordinator_ids.add(user.id)  # nobody edits themselves out of sight
    db.session.execute(
        delete(ProgrammeCoordinator).where(ProgrammeCoordinator.programme_id == programme.id)
    )
    db.session.add_all(
        ProgrammeCoordinator(programme_id=programme.id, user_id=uid)
        for uid in sorted(coordinator_ids)
    )
    partners = set(
        db.session.scalars(select(Organisation.id).where(Organisation.id.in_(data.partner_ids)))
    )
    db.session.execute(
        delete(ProgrammePartner).where(ProgrammePartner.programme_id == programme.id)
    )
    db.session.add_all(
        ProgrammePartner(programme_id=programme.id, organisation_id=oid) for oid in sorted(partners)
    )
    audit.record(_actor(user, ip), AuditAction.PROGRAMME_SAVE, "programme", programme.id, name=name)
    db.session.commit()
    db.session.refresh(programme)
    return programme


@dataclass
class ActivityInput:
    title: str
    description: str = ""
    needs_vetting: bool = True


def save_activity(
    user: User,
    data: ActivityInput,
    *,
    programme_id: int | None = None,
    activity_id: int | None = None,
    ip: str | None = None,
) -> Activity:
    """Add an activity to a programme the user runs, or change one; audited."""
    title = " ".join(data.title.split())
    if not title or len(title) > 120:
        raise ShiftInvalid("Enter the activity's title (at most 120 characters).", field="title")
    if activity_id is None:
        assert programme_id is not None
        run_programme(user, programme_id)
        activity = Activity(programme_id=programme_id, created_at=utcnow())
        db.session.add(activity)
    else:
        activity = run_activity(user, activity_id)
    activity.title = title
    activity.description = data.description.strip()[:2000]
    activity.needs_vetting = data.needs_vetting
    db.session.flush()
    audit.record(
        _actor(user, ip),
        AuditAction.ACTIVITY_SAVE,
        "activity",
        activity.id,
        needs_vetting=activity.needs_vetting,
    )
    db.session.commit()
    return activity


@dataclass
class ShiftInput:
    starts_at: datetime  # timezone-aware
    ends_at: datetime
    place: str
    capacity: int
    town: str | None = None


def _check_shift(data: ShiftInput, *, now: datetime) -> str:
    place = " ".join(data.place.split())
    if not place or len(place) > 120:
        raise ShiftInvalid("Enter the place (at most 120 characters).", field="place")
    if data.ends_at <= data.starts_at:
        raise ShiftInvalid("A shift ends after it starts.", field="ends_at")
    if (data.ends_at - data.starts_at).total_seconds() > MAX_SHIFT_HOURS * 3600:
        raise ShiftInvalid("A shift lasts at most %(n)d hours.", field="ends_at", n=MAX_SHIFT_HOURS)
    if data.starts_at <= now:
        raise ShiftInvalid("A new shift starts in the future.", field="starts_at")
    if not 1 <= data.capacity <= MAX_CAPACITY:
        raise ShiftInvalid("Capacity is between 1 and %(n)d.", field="capacity", n=MAX_CAPACITY)
    if data.town is not None and data.town not in TOWN_NAMES:
        raise ShiftInvalid("Choose one of the county's towns.", field="town")
    return place


def new_checkin_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def add_shift(
    user: User,
    activity_id: int,
    data: ShiftInput,
    ip: str | None = None,
    *,
    now: datetime | None = None,
) -> Shift:
    """A new shift of an activity the user runs, with its own check-in code; audited.
    (`now` lets the demo record shifts of the past as they were set up then.)"""
    activity = run_activity(user, activity_id)
    now = now or utcnow()
    place = _check_shift(data, now=now)
    shift = Shift(
        activity_id=activity.id,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        place=place,
        town=data.town,
        capacity=data.capacity,
        checkin_code=new_checkin_code(),
        status=ShiftStatus.OPEN,
        created_at=now,
    )
    db.session.add(shift)
    db.session.flush()
    audit.record(
        _actor(user, ip), AuditAction.SHIFT_SAVE, "shift", shift.id, capacity=shift.capacity
    )
    db.session.commit()
    return shift


def change_capacity(user: User, shift_id: int, capacity: int, ip: str | None = None) -> Shift:
    """A new capacity: a larger one fills places from the waitlist at once; a smaller one
    may not go below the places already confirmed. Audited."""
    shift = signups.locked_shift(shift_id)
    run_activity(user, shift.activity_id)
    if shift.status != ShiftStatus.OPEN:
        raise ShiftInvalid("This shift was cancelled.", field="capacity")
    if not 1 <= capacity <= MAX_CAPACITY:
        raise ShiftInvalid("Capacity is between 1 and %(n)d.", field="capacity", n=MAX_CAPACITY)
    if capacity < signups.confirmed_count(shift.id):
        raise ShiftInvalid(
            "More volunteers have a place already: cancel sign-ups first or keep the capacity.",
            field="capacity",
        )
    shift.capacity = capacity
    signups.fill_from_waitlist(shift)
    audit.record(_actor(user, ip), AuditAction.SHIFT_SAVE, "shift", shift.id, capacity=capacity)
    db.session.commit()
    return shift


def cancel_shift(user: User, shift_id: int, reason: str, ip: str | None = None) -> Shift:
    """Cancel a shift that has not started: every sign-up ends and its volunteer is told."""
    shift = signups.locked_shift(shift_id)
    run_activity(user, shift.activity_id)
    reason = reason.strip()
    if not reason:
        raise ShiftInvalid("Give the reason for this decision.", field="reason")
    if shift.status != ShiftStatus.OPEN:
        raise ShiftInvalid("This shift was cancelled.", field="reason")
    if shift.starts_at <= utcnow():
        raise ShiftInvalid("A shift that has started cannot be cancelled.", field="reason")
    shift.status = ShiftStatus.CANCELLED
    signups.end_signups_of_cancelled_shift(shift)
    audit.record(_actor(user, ip), AuditAction.SHIFT_CANCEL, "shift", shift.id, reason=reason[:500])
    db.session.commit()
    return shift
