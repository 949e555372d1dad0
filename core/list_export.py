"""A staff list as a file for people, stamped and audited: the one way lists export.

Each list says what it is (name, title, audit action) and gives its Chinese headers and
rows, already scoped to the viewer and masked; this writes the CSV or XLSX with who
exported it and when (the XLSX's first rows and both files' names), records one audit
entry with the format and the number of rows, and commits it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from flask_babel import gettext
from sqlalchemy import Select

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.export import Cell, Export, ExportFormat, Stamp, write_table
from core.timeutil import to_local
from core.users import User

# A file holds at most this many rows: a list that long is filtered before it is exported.
MAX_ROWS = 100_000
T = TypeVar("T")


@dataclass(frozen=True)
class ListExport:
    """What a list is called in files and in the audit log."""

    name: str  # the file's name: ASCII
    title: str  # the XLSX's first row
    action: AuditAction
    target_type: str


def rows_of(query: Select[tuple[T]]) -> list[T]:
    """The first MAX_ROWS rows of `query`, in its order."""
    return list(db.session.scalars(query.limit(MAX_ROWS)))


@dataclass(frozen=True)
class ExportRequest:
    """Who asks for a list's file, in which format, from where, with the list's filters
    as asked (None for a list without filters)."""

    actor: User
    fmt: ExportFormat
    filters: Mapping[str, str] | None = None
    ip: str | None = None


def when(moment: object) -> str:
    """A stored moment in Shanghai time to the minute; blank for none."""
    if moment is None:
        return ""
    return to_local(moment).strftime("%Y-%m-%d %H:%M")  # type: ignore[arg-type]


def audited_export(
    request: ExportRequest,
    kind: ListExport,
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
) -> Export:
    """`rows` under `headers` in the asked format, stamped with who and when, and audited."""
    actor, now = request.actor, utcnow()
    lines = [
        (gettext("Exported by"), actor.display_name),
        (gettext("Exported at"), when(now)),
    ]
    detail: dict[str, Any] = {"format": request.fmt.value, "rows": len(rows)}
    if request.filters is not None:
        asked = {key: value for key, value in request.filters.items() if value}
        described = "；".join(f"{key}={value}" for key, value in asked.items())
        lines.append((gettext("Filters"), described or gettext("none")))
        detail["filters"] = asked
    stamp = Stamp(title=kind.title, username=actor.username, exported_at=now, lines=lines)
    export = write_table(kind.name, headers, rows, request.fmt, stamp=stamp)
    audit.record(
        Actor(actor.id, actor.username, request.ip), kind.action, kind.target_type, None, **detail
    )
    db.session.commit()
    return export
