"""Re-encrypt identity fields and blind indexes under the current key, resumably.

Each batch is its own transaction, and a row is picked while any of its fields
still carries another key's id, so a stopped rotation simply runs again.
"""

from __future__ import annotations

from sqlalchemy import String, or_, select
from sqlalchemy.orm.attributes import flag_modified

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.crypto import keyring
from core.db import db
from core.idcard import normalise_id_number
from core.people.models import Person
from core.people.services import normalise_name, normalise_phone

_ENCRYPTED = ("name", "id_number", "phone", "address")


def _stale_clause(current: str) -> object:
    table = Person.__table__
    prefix = f"{current}:%"
    return or_(
        *[
            (table.c[col].is_not(None)) & (table.c[col].cast(String).not_like(prefix))
            for col in _ENCRYPTED
        ]
    )


def stale_person_ids(limit: int) -> list[int]:
    current = keyring().current_id
    table = Person.__table__
    query = select(table.c.id).where(_stale_clause(current)).order_by(table.c.id).limit(limit)  # type: ignore[arg-type]
    return list(db.session.scalars(query))


def rotate_batch(batch_size: int = 200) -> int:
    """Rotate up to `batch_size` people; returns how many were rotated (0 = done)."""
    ring = keyring()
    ids = stale_person_ids(batch_size)
    for person in db.session.scalars(select(Person).where(Person.id.in_(ids))):
        for column in _ENCRYPTED:
            flag_modified(person, column)
        if person.name:
            person.name_bidx = ring.blind_index(normalise_name(person.name), "person.name")
        if person.id_number:
            person.id_number_bidx = ring.blind_index(
                normalise_id_number(person.id_number), "person.id_number"
            )
        if person.phone:
            person.phone_bidx = ring.blind_index(normalise_phone(person.phone), "person.phone")
    if ids:
        audit.record(
            Actor.system("rotate-key"),
            AuditAction.CRYPTO_ROTATE_BATCH,
            "person",
            None,
            count=len(ids),
            key_id=ring.current_id,
        )
    db.session.commit()
    return len(ids)
