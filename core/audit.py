"""The audit log: append-only, sealed into an HMAC chain.

Recording an event is a plain INSERT in the caller's transaction, so viewing a
record never waits on a global lock. A sealing job (every minute, and before a
verification) takes the unsealed rows in id order, gives each the next gapless
sequence number and the HMAC of (previous hash, sequence, content). The chain's
head is kept, itself signed, in `audit_seal`; `verify_chain` recomputes
everything, so an edited row, a deleted row (a gap) and a cut-off tail (the
head no longer matches) are all caught.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, Select, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from core.audit_actions import AuditAction
from core.db import Base, db, utcnow
from core.listing import PageRequest

GENESIS = "0" * 64
_CODES = frozenset(action.value for action in AuditAction)


class AuditEvent(Base):
    __tablename__ = "audit_event"
    # A record's history (a need's timeline, the log filtered by object) reads by it.
    # The log filtered by action pages newest first within the action.
    __table_args__ = (
        Index("ix_audit_event_object", "object_type", "object_id"),
        Index("ix_audit_event_action_id", "action", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    ip: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


class AuditSeal(Base):
    """The head of the sealed chain (one row), signed so it cannot be rolled back."""

    __tablename__ = "audit_seal"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS)
    signature: Mapped[str] = mapped_column(String(64))
    sealed_at: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True)
class Actor:
    """Who did something, detached from any request: a staff user, a donor, the system."""

    user_id: int | None
    label: str
    ip: str | None = None

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(None, label)


def record(
    actor: Actor,
    action: AuditAction,
    object_type: str | None = None,
    object_id: object | None = None,
    *,
    office_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add an audit event to the current transaction (it commits or rolls back with it).

    An action outside `AuditAction` raises ValueError, so a misspelt code fails
    where it is written instead of leaving entries the audit page cannot name.
    """
    action = AuditAction(action)
    event = AuditEvent(
        occurred_at=utcnow(),
        actor_id=actor.user_id,
        actor_label=actor.label,
        action=action.value,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        office_id=office_id,
        ip=actor.ip,
        detail=detail,
    )
    db.session.add(event)
    return event


def _content(event: AuditEvent) -> bytes:
    payload = {
        "seq": event.seq,
        "at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "actor": event.actor_label,
        "action": event.action,
        "type": event.object_type,
        "object": event.object_id,
        "office": event.office_id,
        "ip": event.ip,
        "detail": event.detail,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()


def _link(key: bytes, prev_hash: str, event: AuditEvent) -> str:
    return hmac.new(key, prev_hash.encode() + b"|" + _content(event), hashlib.sha256).hexdigest()


def _sign_head(key: bytes, last_seq: int, last_hash: str) -> str:
    return hmac.new(key, f"head|{last_seq}|{last_hash}".encode(), hashlib.sha256).hexdigest()


def seal_pending(key: bytes, batch: int = 5000) -> int:
    """Seal unsealed events into the chain; one transaction; returns how many were sealed."""
    seal = db.session.scalar(select(AuditSeal).with_for_update())
    if seal is None:
        seal = AuditSeal(id=1, last_seq=0, last_hash=GENESIS, signature=_sign_head(key, 0, GENESIS))
        db.session.add(seal)
        db.session.flush()
    pending = list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.seq.is_(None)).order_by(AuditEvent.id).limit(batch)
        )
    )
    last_seq, last_hash = seal.last_seq, seal.last_hash
    for event in pending:
        last_seq += 1
        event.seq = last_seq
        event.prev_hash = last_hash
        event.hash = _link(key, last_hash, event)
        last_hash = event.hash
    seal.last_seq, seal.last_hash = last_seq, last_hash
    seal.signature = _sign_head(key, last_seq, last_hash)
    seal.sealed_at = utcnow()
    db.session.commit()
    return len(pending)


def seal_all(key: bytes) -> int:
    """Seal everything pending, batch by batch; returns how many entries were sealed."""
    total = 0
    while sealed := seal_pending(key):
        total += sealed
    return total


@dataclass
class ChainReport:
    checked: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(key: bytes) -> ChainReport:
    """Recompute the whole chain and compare it with the signed head."""
    problems: list[str] = []
    expected_seq = 0
    prev = GENESIS
    checked = 0
    query = select(AuditEvent).where(AuditEvent.seq.is_not(None)).order_by(AuditEvent.seq)
    for event in db.session.scalars(query.execution_options(yield_per=2000)):
        checked += 1
        expected_seq += 1
        if event.seq != expected_seq:
            problems.append(f"sequence gap: expected {expected_seq}, found {event.seq}")
            expected_seq = event.seq or expected_seq
        if event.prev_hash != prev:
            problems.append(f"entry {event.seq}: link to the previous entry is broken")
        if event.hash != _link(key, event.prev_hash or GENESIS, event):
            problems.append(f"entry {event.seq}: content does not match its hash (edited)")
        prev = event.hash or prev
    seal = db.session.scalar(select(AuditSeal))
    if seal is None:
        if checked:
            problems.append("sealed entries exist but the chain head is missing")
    else:
        if seal.signature != _sign_head(key, seal.last_seq, seal.last_hash):
            problems.append("the chain head's signature is wrong (head edited)")
        if seal.last_seq != expected_seq or seal.last_hash != prev:
            problems.append(
                f"chain ends at entry {expected_seq} but the head says {seal.last_seq}"
                " (entries removed from the end)"
            )
    return ChainReport(checked, problems)


def verify_and_record(key: bytes, actor: Actor, *, seal: bool = True) -> ChainReport:
    """Seal what is pending (unless told not to), recompute the whole chain, and put the
    outcome on the record (the audit page says when the chain was last verified, and
    what was found)."""
    if seal:
        seal_all(key)
    report = verify_chain(key)
    record(
        actor,
        AuditAction.AUDIT_VERIFY,
        "audit",
        None,
        checked=report.checked,
        ok=report.ok,
        problems=report.problems[:20],
    )
    db.session.commit()
    return report


def last_verification() -> AuditEvent | None:
    """The latest recorded verification of the chain, if any."""
    return db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == AuditAction.AUDIT_VERIFY.value)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )


@dataclass
class AuditFilter:
    action: str = ""
    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    since: datetime | None = None
    until: datetime | None = None
    paging: PageRequest = field(default_factory=lambda: PageRequest(per_page=50))


def filtered_events(filters: AuditFilter) -> Select[tuple[AuditEvent]]:
    """The entries the filters ask for, unordered (the page and the export order them)."""
    query = select(AuditEvent)
    if filters.action in _CODES:
        # Exactly: "need.publish" must not also list "need.published" and "need.publish_refused".
        query = query.where(AuditEvent.action == filters.action)
    elif filters.action:
        # Anything else as a prefix, so that "person." lists every person action.
        query = query.where(AuditEvent.action.startswith(filters.action))
    if filters.actor:
        query = query.where(AuditEvent.actor_label == filters.actor)
    if filters.object_type:
        query = query.where(AuditEvent.object_type == filters.object_type)
    if filters.object_id:
        query = query.where(AuditEvent.object_id == filters.object_id)
    if filters.since:
        query = query.where(AuditEvent.occurred_at >= filters.since)
    if filters.until:
        query = query.where(AuditEvent.occurred_at < filters.until)
    return query


def list_events(filters: AuditFilter) -> tuple[list[AuditEvent], int]:
    """Newest first; the caller has already checked the viewer is admin or auditor."""
    query = filtered_events(filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = list(
        db.session.scalars(
            query.order_by(AuditEvent.id.desc())
            .limit(filters.paging.per_page)
            .offset((filters.paging.page - 1) * filters.paging.per_page)
        )
    )
    return items, total


def read_events(
    actor: Actor, filters: AuditFilter, asked: Mapping[str, str]
) -> tuple[list[AuditEvent], int]:
    """A page of the log for an admin or auditor; reading the log is itself on the record,
    with the filters as they were asked (`asked`)."""
    found = list_events(filters)
    record(actor, AuditAction.AUDIT_VIEW, None, None, filters=dict(asked))
    db.session.commit()
    return found


__all__ = [
    "Actor",
    "AuditEvent",
    "AuditSeal",
    "last_verification",
    "record",
    "seal_all",
    "seal_pending",
    "verify_and_record",
    "verify_chain",
]
