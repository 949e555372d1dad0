"""Re-encrypt identity fields and blind indexes under the current key, resumably.

Every table with encrypted columns is named here as a `Rotated`: core's people, and
what the wings register (`registry(app).rotations`, the volunteers' email and phone).
Each batch is its own transaction, and a row is picked while any of its fields still
carries another key's id, so a stopped rotation simply runs again; an old key may be
dropped once no table has a row left on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class Rotated:
    """A table whose encrypted columns `rotate-key` re-encrypts."""

    name: str  # what the command prints and the audit entry names ("person")
    model: Any  # the mapped class; its primary key is `id`
    columns: tuple[str, ...]  # the EncryptedText columns
    reindex: Callable[[Any], None]  # recompute the row's blind indexes, current key


def _reindex_person(person: Person) -> None:
    ring = keyring()
    if person.name:
        person.name_bidx = ring.blind_index(normalise_name(person.name), "person.name")
    if person.id_number:
        person.id_number_bidx = ring.blind_index(
            normalise_id_number(person.id_number), "person.id_number"
        )
    if person.phone:
        person.phone_bidx = ring.blind_index(normalise_phone(person.phone), "person.phone")


PEOPLE = Rotated("person", Person, ("name", "id_number", "phone", "address"), _reindex_person)


def _stale_clause(rotated: Rotated, current: str) -> object:
    table = rotated.model.__table__
    prefix = f"{current}:%"
    return or_(
        *[
            (table.c[col].is_not(None)) & (table.c[col].cast(String).not_like(prefix))
            for col in rotated.columns
        ]
    )


def stale_ids(rotated: Rotated, limit: int) -> list[int]:
    """Rows of the table with a field still under another key than the current one."""
    current = keyring().current_id
    table = rotated.model.__table__
    query = (
        select(table.c.id)
        .where(_stale_clause(rotated, current))  # type: ignore[arg-type]
        .order_by(table.c.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def stale_person_ids(limit: int) -> list[int]:
    return stale_ids(PEOPLE, limit)


def rotate_batch(batch_size: int = 200, rotated: Rotated = PEOPLE) -> int:
    """Rotate up to `batch_size` rows of the table; returns how many (0 = done)."""
    ring = keyring()
    ids = stale_ids(rotated, batch_size)
    for row in db.session.scalars(select(rotated.model).where(rotated.model.id.in_(ids))):
        for column in rotated.columns:
            flag_modified(row, column)
        rotated.reindex(row)
    if ids:
        audit.record(
            Actor.system("rotate-key"),
            AuditAction.CRYPTO_ROTATE_BATCH,
            rotated.name,
            None,
            count=len(ids),
            key_id=ring.current_id,
        )
    db.session.commit()
    return len(ids)
