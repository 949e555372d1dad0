"""One person, one record: a second registration of an ID number is refused, audited
and throttled per user, without telling who holds the first (docs/privacy.md)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import func, select

from core import audit
from core.audit import Actor, AuditEvent
from core.audit_actions import AuditAction
from core.crypto import keyring
from core.db import db, utcnow
from core.errors import Conflict, PermissionDenied
from core.idcard import normalise_id_number
from core.people.models import Person
from core.users import User

if TYPE_CHECKING:
    from core.people.services import PersonInput


def find_by_id_number(id_number: str) -> Person | None:
    indexes = keyring().blind_indexes(normalise_id_number(id_number), "person.id_number")
    return db.session.scalar(select(Person).where(Person.id_number_bidx.in_(indexes)))


DUPLICATE_ID = (
    "This ID-card number is already on record. If the person has moved to your area, "
    "ask the corrections centre to transfer the record to your office."
)
TOO_MANY_DUPLICATES = (
    "Too many ID-card numbers already on record were entered. Wait an hour, or ask the "
    "corrections centre."
)


def refuse_duplicate_id(actor: User, data: PersonInput, own_id: int | None, ip: str | None) -> None:
    """Refuse an ID number already on record, the same way wherever it is held.

    The refusal names no office and says nothing of minors: it would tell an officer
    who exists elsewhere. It is audited with the existing record's id, and each user
    may meet it only so often an hour, so nobody can test the county's ID numbers.
    """
    since = utcnow() - timedelta(hours=1)
    refused = (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.actor_id == actor.id,
                AuditEvent.action == "person.duplicate_refused",
                AuditEvent.occurred_at >= since,
            )
        )
        or 0
    )
    limit = int(current_app.config.get("DUPLICATE_ID_LIMIT_PER_HOUR", 5))
    who = Actor(actor.id, actor.username, ip)
    if refused >= limit:
        audit.record(who, AuditAction.PERSON_DUPLICATE_THROTTLED, "person", None)
        db.session.commit()
        raise PermissionDenied(TOO_MANY_DUPLICATES)
    existing = find_by_id_number(data.id_number)
    if existing is None or existing.id == own_id:
        return
    audit.record(who, AuditAction.PERSON_DUPLICATE_REFUSED, "person", existing.id)
    db.session.commit()
    raise Conflict(DUPLICATE_ID)
