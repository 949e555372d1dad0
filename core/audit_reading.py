"""The audit log as an auditor reads it: display names, action labels, details in words,
filters chosen from lists, when the chain was last verified, and an export.

Reading, verifying and exporting are each on the record themselves.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext
from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from core import audit
from core.audit import Actor, AuditEvent, AuditFilter, ChainReport, filtered_events
from core.audit_actions import AuditAction, action_label
from core.audit_words import OBJECT_TYPES, Names, describe, object_label, who_label
from core.db import db, utcnow
from core.errors import NotFound
from core.export import Cell, Export, ExportFormat, Stamp, write_table
from core.listing import Listing, Pager
from core.timeutil import to_local
from core.users import ALL_OFFICE_ROLES, User
from core.wings import registry

READERS = tuple(ALL_OFFICE_ROLES)  # admin and auditor
MAX_EXPORT_ROWS = 100_000


@dataclass(frozen=True)
class ReadableEvent:
    id: int
    seq: int | None  # None until the sealing job has put it in the chain
    occurred_at: datetime
    who: str  # the display name; what was typed, for a failed sign-in
    username: str
    action: str  # the stored code
    what: str  # its label
    about: str  # "Need #12"
    ip: str
    detail: str  # in words
    is_staff: bool = False  # a staff member acted (the username is a sign-in name)

    @property
    def sealed(self) -> bool:
        return self.seq is not None


@dataclass(frozen=True)
class Verification:
    at: datetime
    who: str
    ok: bool
    checked: int
    problems: list[str]


@dataclass(frozen=True)
class AuditPage:
    events: list[ReadableEvent]
    listing: Listing[tuple[AuditEvent, str | None]]
    users: list[tuple[str, str]]  # (username, display name) to filter by
    object_types: list[tuple[str, str]]
    verification: Verification | None
    unsealed: int


def _require_reader(user: User) -> None:
    if not user.has_role(*READERS):
        raise NotFound("There is no such page or record.")


def _readable(
    event: AuditEvent, display_name: str | None, names: Names | None = None
) -> ReadableEvent:
    return ReadableEvent(
        id=event.id,
        seq=event.seq,
        occurred_at=event.occurred_at,
        who=who_label(event.actor_label, event.actor_id, display_name),
        username=event.actor_label,
        action=event.action,
        what=action_label(event.action),
        about=object_label(event.object_type, event.object_id, names),
        ip=event.ip or "",
        detail=describe(event.detail, names),
        is_staff=event.actor_id is not None,
    )


def _report_titles(keys: Collection[str]) -> dict[str, str]:
    titles = {section.key: str(section.title) for section in registry(current_app).report_sections}
    return {key: titles[key] for key in keys if key in titles}


def _names(events: list[AuditEvent]) -> dict[tuple[str, str], str]:
    """The names of the records the page's details name by id, one query per kind."""
    readers = {"report": _report_titles, **registry(current_app).audit_names}
    wanted: dict[str, set[str]] = {}
    for event in events:
        # The record an entry is about, when its kind has names: a report by its title.
        if event.object_type in readers and event.object_id:
            wanted.setdefault(event.object_type, set()).add(event.object_id)
        for key, value in (event.detail or {}).items():
            if key in readers and isinstance(value, str | int):
                wanted.setdefault(key, set()).add(str(value))
    return {
        (key, found): name
        for key, ids in wanted.items()
        for found, name in readers[key](ids).items()
    }


def _events_with_names(
    filters: AuditFilter,
) -> tuple[Select[tuple[AuditEvent, str]], Any]:
    """The filtered entries, each with its user's display name (one query, no N+1)."""
    event = aliased(AuditEvent, filtered_events(filters).subquery())
    query = select(event, User.display_name).outerjoin(User, User.id == event.actor_id)
    return query, event


def audit_page(
    user: User, filters: AuditFilter, asked: Mapping[str, str], *, ip: str | None = None
) -> AuditPage:
    """A page of the log, newest first, for an admin or auditor; in six queries whatever the
    size or the page (five past the numbered pages), and one more per kind of record the
    details name by id (a listing read as its need). Reading the log is itself on the
    record, with the filters as they were asked."""
    _require_reader(user)
    pager = Pager("audit", [AuditEvent.id], [int], filters.paging)
    total = pager.count(filtered_events(filters))
    event = aliased(AuditEvent, pager.window(filtered_events(filters)).subquery())
    rows = db.session.execute(
        select(event, User.display_name)
        .outerjoin(User, User.id == event.actor_id)
        .order_by(event.id.desc())
    ).all()
    listing = pager.listing(
        [(found, name) for found, name in rows], total, lambda row: (row[0].id,)
    )
    # Read before the commit below, which expires every loaded entry.
    names = _names([found for found, _name in listing.items])
    events = [_readable(found, name, names) for found, name in listing.items]
    users = [
        (username, name)
        for username, name in db.session.execute(
            select(User.username, User.display_name).order_by(User.display_name, User.username)
        )
    ]
    unsealed = db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.seq.is_(None))
    )
    verification = _verification()
    audit.record(
        Actor(user.id, user.username, ip), AuditAction.AUDIT_VIEW, None, None, filters=dict(asked)
    )
    db.session.commit()
    return AuditPage(
        events=events,
        listing=listing,
        users=users,
        object_types=sorted(((code, str(label)) for code, label in OBJECT_TYPES.items())),
        verification=verification,
        unsealed=unsealed or 0,
    )


def _verification() -> Verification | None:
    found = audit.last_verification()
    if found is None:
        return None
    who = None
    if found.actor_id is not None:
        who = db.session.scalar(select(User.display_name).where(User.id == found.actor_id))
    detail = found.detail or {}
    return Verification(
        at=found.occurred_at,
        who=who_label(found.actor_label, found.actor_id, who),
        ok=bool(detail.get("ok")),
        checked=int(detail.get("checked", 0)),
        problems=[str(p) for p in detail.get("problems", [])],
    )


def verify_now(user: User, key: bytes, *, ip: str | None = None) -> ChainReport:
    """Seal pending entries and recompute the chain now, for an admin or auditor."""
    _require_reader(user)
    return audit.verify_and_record(key, Actor(user.id, user.username, ip))


def export_headers() -> list[str]:
    return [
        gettext("Seq"),
        gettext("Time"),
        gettext("User"),
        gettext("Username"),
        gettext("Action"),
        gettext("Object"),
        gettext("Address"),
        gettext("Detail"),
    ]


def _export_rows(filters: AuditFilter) -> Iterator[list[Cell]]:
    query, event = _events_with_names(filters)
    found = db.session.execute(
        query.order_by(event.id.desc()).limit(MAX_EXPORT_ROWS).execution_options(yield_per=1000)
    )
    for rows in found.partitions():
        names = _names([row_event for row_event, _name in rows])
        yield from (_export_row(_readable(row_event, name, names)) for row_event, name in rows)


def _export_row(readable: ReadableEvent) -> list[Cell]:
    return [
        readable.seq if readable.seq is not None else gettext("not sealed yet"),
        to_local(readable.occurred_at).strftime("%Y-%m-%d %H:%M:%S"),
        readable.who,
        readable.username,
        readable.what,
        readable.about,
        readable.ip,
        readable.detail,
    ]


def export_audit(
    user: User,
    filters: AuditFilter,
    fmt: ExportFormat,
    asked: Mapping[str, str],
    *,
    ip: str | None = None,
) -> Export:
    """The filtered log as a file (newest first, at most MAX_EXPORT_ROWS entries), stamped
    with who exported it and when; the export is on the record."""
    _require_reader(user)
    now = utcnow()
    stamp = Stamp(
        title=gettext("Audit log"),
        username=user.username,
        exported_at=now,
        lines=[
            (gettext("Exported by"), user.display_name),
            (gettext("Exported at"), to_local(now).strftime("%Y-%m-%d %H:%M")),
            (gettext("Filters"), describe(dict(asked)) or gettext("none")),
        ],
    )
    export = write_table("audit", export_headers(), _export_rows(filters), fmt, stamp=stamp)
    audit.record(
        Actor(user.id, user.username, ip),
        AuditAction.AUDIT_EXPORT,
        "audit",
        None,
        format=str(fmt),
        filters=dict(asked),
    )
    db.session.commit()
    return export
