"""Placements: a person placed at a base for a period, within the base's capacity.

Who may open a placement: casework staff whose scope covers the person's office (minors
only with the juvenile permission), and the contact of the placement's base. Nobody
else: NotFound, like a placement that does not exist. Only casework writers place
people and end placements.
"""

from __future__ import annotations

import uuid
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
from core.privacy import mask_name
from core.timeutil import local_today
from core.users import Role, User
from jobs_bases.bases.models import Base, BaseSession, HoursStatus, Placement, PlacementStatus
from jobs_bases.consent.models import SharedField, SubjectKind
from jobs_bases.consent.services import Subject, give_consent, shared_fields
from jobs_bases.partners.services import linked_base_id
from jobs_bases.scope import staff_sees_row

MAX_PLACEMENT_DAYS = 2 * 366


def _alias() -> str:
    return "P-" + uuid.uuid4().hex[:6].upper()


def subject_of(placement: Placement) -> Subject:
    return Subject(SubjectKind.PLACEMENT, placement.id)


# -- who sees a placement ---------------------------------------------------------------------


def may_open(actor: User, placement: Placement) -> bool:
    if actor.has_role(Role.BASE_CONTACT):
        return linked_base_id(actor) == placement.base_id
    return staff_sees_row(actor, placement.office_id, placement.person.is_minor)


def get_placement(actor: User, placement_id: int, *, for_update: bool = False) -> Placement:
    placement = db.session.get(Placement, placement_id, with_for_update=for_update)
    if placement is None or not may_open(actor, placement):
        raise NotFound("No such placement.")
    return placement


@dataclass(frozen=True)
class Shown:
    """What one viewer is shown of a placement's person."""

    name: str
    phone: str = ""
    kind: str = ""  # correction / resettlement, when the viewer may know it
    by_alias: bool = False


def shown_person(actor: User, placement: Placement) -> Shown:
    """Staff see the masked name (they reveal on the person's page); a base contact sees
    the name and phone only as the live consent allows, a minor never by name, and
    otherwise the placement's alias."""
    person = placement.person
    if not actor.has_role(Role.BASE_CONTACT):
        return Shown(mask_name(person.name), kind=person.kind)
    allowed = shared_fields(subject_of(placement))
    if person.is_minor or SharedField.NAME not in allowed:
        return Shown(placement.alias, by_alias=True)
    return Shown(
        str(person.name or ""),
        phone=str(person.phone or "") if SharedField.PHONE in allowed else "",
        kind=person.kind if SharedField.STATUS in allowed else "",
    )


def view_placement(actor: User, placement_id: int, *, ip: str | None = None) -> Placement:
    """Open a placement. A base contact's view of a person's placement is audited."""
    placement = get_placement(actor, placement_id)
    if actor.has_role(Role.BASE_CONTACT):
        audit.record(
            Actor(actor.id, actor.username, ip),
            AuditAction.PLACEMENT_VIEW,
            "placement",
            placement.id,
            office_id=placement.office_id,
            shared=sorted(f.value for f in shared_fields(subject_of(placement))),
        )
        db.session.commit()
    return placement


# -- placing and ending -----------------------------------------------------------------------


@dataclass
class PlacementInput:
    person_id: int
    base_id: int
    starts_on: date
    ends_on: date
    note: str = ""
    shares: Collection[SharedField] = field(default_factory=tuple)


def _check_period(data: PlacementInput, today: date) -> None:
    if data.ends_on < data.starts_on:
        raise ValidationFailed("The placement cannot end before it starts.", field="ends_on")
    if data.ends_on < today:
        raise ValidationFailed(
            "The placement would already be over: choose an end date from today on.",
            field="ends_on",
        )
    if (data.ends_on - data.starts_on).days > MAX_PLACEMENT_DAYS:
        raise ValidationFailed("A placement lasts at most two years.", field="ends_on")
    if data.starts_on < today - timedelta(days=366):
        raise ValidationFailed("The start is more than a year ago.", field="starts_on")


def _busiest_day_count(base_id: int, starts_on: date, ends_on: date) -> int:
    """The most active placements at the base on any one day of the period."""
    periods = [
        (start, end)
        for start, end in db.session.execute(
            select(Placement.starts_on, Placement.ends_on).where(
                Placement.base_id == base_id,
                Placement.status == PlacementStatus.ACTIVE,
                Placement.starts_on <= ends_on,
                Placement.ends_on >= starts_on,
            )
        )
    ]
    # The count only rises on a start day, so the busiest day is the period's first day
    # or another placement's start within the period.
    days = {starts_on} | {start for start, _end in periods if start > starts_on}
    return max((sum(1 for s, e in periods if s <= day <= e) for day in days), default=0)


def place_person(actor: User, data: PlacementInput, *, ip: str | None = None) -> Placement:
    """Place a person at a base for a period, with what the base may be told (consent).
    Refused on a retired base, when the base is full on any day of the period, or when
    the person is already placed there then. One transaction; the base row is locked so
    two placements at once cannot both take the last place."""
    require_writer(actor)
    person = get_person(actor, data.person_id)
    if person.status != PersonStatus.ACTIVE:
        raise Conflict("Only people with an active case are placed.")
    _check_period(data, local_today())
    base = db.session.get(Base, data.base_id, with_for_update=True)
    if base is None:
        raise ValidationFailed("Choose a base.", field="base_id")
    if base.retired:
        raise Conflict("This base is retired.")
    twice = db.session.scalar(
        select(Placement.id).where(
            Placement.person_id == person.id,
            Placement.base_id == base.id,
            Placement.status == PlacementStatus.ACTIVE,
            Placement.starts_on <= data.ends_on,
            Placement.ends_on >= data.starts_on,
        )
    )
    if twice is not None:
        raise Conflict("This person is already placed at this base for part of that period.")
    if _busiest_day_count(base.id, data.starts_on, data.ends_on) >= base.capacity:
        raise Conflict(
            "The base is full for part of that period (capacity %(capacity)d).",
            capacity=base.capacity,
        )
    placement = Placement(
        person_id=person.id,
        base_id=base.id,
        office_id=person.office_id,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        status=PlacementStatus.ACTIVE,
        note=data.note.strip()[:2000],
        alias=_alias(),
        created_by_id=actor.id,
    )
    db.session.add(placement)
    db.session.flush()
    who = Actor(actor.id, actor.username, ip)
    give_consent(who, person.id, subject_of(placement), data.shares)
    audit.record(
        who,
        AuditAction.PLACEMENT_CREATE,
        "placement",
        placement.id,
        office_id=person.office_id,
        base=base.id,
    )
    db.session.commit()
    return placement


def end_placement(
    actor: User, placement_id: int, ended_on: date, *, ip: str | None = None
) -> Placement:
    """End a placement early (or on its planned day); sessions after that day refuse it."""
    require_writer(actor)
    placement = get_placement(actor, placement_id, for_update=True)
    if placement.status != PlacementStatus.ACTIVE:
        raise Conflict("This placement has ended already.")
    if ended_on > local_today():
        raise ValidationFailed("The end date cannot be in the future.", field="ended_on")
    if not placement.starts_on <= ended_on <= placement.ends_on:
        raise ValidationFailed(
            "The end date must fall within the placement (%(start)s – %(end)s).",
            field="ended_on",
            start=str(placement.starts_on),
            end=str(placement.ends_on),
        )
    later = db.session.scalar(
        select(BaseSession.id).where(
            BaseSession.placement_id == placement.id,
            BaseSession.on_date > ended_on,
            BaseSession.status != HoursStatus.DECLINED,
        )
    )
    if later is not None:
        raise Conflict("Sessions were logged after that day: decline them first.")
    placement.status = PlacementStatus.ENDED
    placement.ended_on = ended_on
    placement.end_reason = "ended_by_staff"
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.PLACEMENT_END,
        "placement",
        placement.id,
        office_id=placement.office_id,
        reason="ended_by_staff",
    )
    db.session.commit()
    return placement
