"""Bases: create, edit, retire. Admins manage them; every casework user reads them.

A base's town is one of the county's towns (core.towns) and its map position comes
from the town, never typed. A retired base keeps its placements and hours but takes no
new placement and no new session.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from core.towns import BY_NAME
from core.users import Role, User
from jobs_bases.bases.models import Base, BaseKind

MAX_CAPACITY = 500


@dataclass
class BaseInput:
    name: str
    kind: str
    town: str
    capacity: int
    address: str = ""
    organisation: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    activities: list[str] = field(default_factory=list)


def _require_admin(actor: User) -> None:
    if not actor.has_role(Role.ADMIN):
        raise PermissionDenied("Only administrators manage bases.")


def _validate(data: BaseInput) -> list[str]:
    if not data.name.strip() or len(data.name.strip()) > 120:
        raise ValidationFailed("Enter the base's name.", field="name")
    if data.kind not in tuple(BaseKind):
        raise ValidationFailed("Choose a kind.", field="kind")
    if data.town not in BY_NAME:
        raise ValidationFailed("Choose a town.", field="town")
    if not 1 <= data.capacity <= MAX_CAPACITY:
        raise ValidationFailed(
            "The capacity must be between 1 and %(max)d.", field="capacity", max=MAX_CAPACITY
        )
    activities = [a.strip()[:60] for a in data.activities if a.strip()]
    if not activities:
        raise ValidationFailed("List at least one activity offered.", field="activities")
    return activities


def save_base(actor: User, base_id: int | None, data: BaseInput, *, ip: str | None = None) -> Base:
    """Create or edit a base; one transaction. A capacity below the people placed there
    now is allowed (nobody is moved) but no new placement is taken until it fits."""
    _require_admin(actor)
    activities = _validate(data)
    name = data.name.strip()
    same = db.session.scalar(select(Base.id).where(Base.name == name))
    if same is not None and same != base_id:
        raise ValidationFailed("A base with this name exists already.", field="name")
    if base_id is None:
        base = Base()
    else:
        found = db.session.get(Base, base_id)
        if found is None:
            raise NotFound("No such base.")
        if found.retired:
            raise Conflict("This base is retired.")
        base = found
    base.name = name
    base.kind = data.kind
    base.town = data.town
    base.capacity = data.capacity
    base.address = data.address.strip()[:200]
    base.organisation = data.organisation.strip()[:120]
    base.contact_name = data.contact_name.strip()[:60]
    base.contact_phone = data.contact_phone.strip()[:32]
    base.activities = activities
    db.session.add(base)
    db.session.flush()
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.BASE_SAVE,
        "base",
        base.id,
        created=base_id is None,
    )
    db.session.commit()
    return base


def retire_base(actor: User, base_id: int, *, ip: str | None = None) -> Base:
    """Retire a base: it keeps its history, takes no new placement or session."""
    _require_admin(actor)
    base = db.session.get(Base, base_id, with_for_update=True)
    if base is None:
        raise NotFound("No such base.")
    if base.retired:
        raise Conflict("This base is retired.")
    base.retired_at = utcnow()
    base.retired_by_id = actor.id
    audit.record(Actor(actor.id, actor.username, ip), AuditAction.BASE_RETIRE, "base", base.id)
    db.session.commit()
    return base
