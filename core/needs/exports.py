"""The needs list as a file for people: CSV or XLSX, as the list filters it.

Chinese headers, amounts in yuan written exactly from fen, statuses and categories in
words; the person's name masked as on the list, and nothing else identifying (no ID
number, phone or address), so the file is never a reveal. Stamped with who exported it
and when (the XLSX's first rows with the filters, both files' names) and audited.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from flask_babel import gettext
from sqlalchemy.orm import joinedload

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.export import Cell, Export, ExportFormat, Stamp, write_table
from core.money import yuan_text
from core.needs.labels import CATEGORY_LABELS, STATUS_LABELS
from core.needs.models import Need, NeedStatus
from core.needs.services import NeedFilter, scoped_needs
from core.people.models import Person
from core.privacy import mask_name
from core.timeutil import to_local
from core.users import User

MAX_ROWS = 100_000


def _headers() -> list[str]:
    return [
        gettext("Number"),
        gettext("Person"),
        gettext("Town"),
        gettext("Category"),
        gettext("Title"),
        gettext("Amount (yuan)"),
        gettext("Status"),
        gettext("Deadline"),
        gettext("Created"),
    ]


def _rows(actor: User, filters: NeedFilter) -> Iterator[list[Cell]]:
    query = scoped_needs(actor)
    if filters.review_queue:
        query = query.where(Need.status == NeedStatus.SUBMITTED, Need.created_by_id != actor.id)
    elif filters.status:
        query = query.where(Need.status == filters.status)
    if filters.category:
        query = query.where(Need.category == filters.category)
    if filters.office_id:
        query = query.where(Need.person.has(Person.office_id == filters.office_id))
    needs = db.session.scalars(
        query.options(joinedload(Need.person)).order_by(Need.id.desc()).limit(MAX_ROWS)
    )
    for need in needs:
        yield [
            need.id,
            mask_name(need.person.name),
            need.person.town,
            str(CATEGORY_LABELS.get(need.category, need.category)),
            need.title,
            yuan_text(need.amount_fen),
            str(STATUS_LABELS.get(need.status, need.status)),
            need.deadline.isoformat(),
            to_local(need.created_at).strftime("%Y-%m-%d %H:%M"),
        ]


def _described(filters: NeedFilter) -> str:
    """The filters in words, as the list's form offers them."""
    parts: list[str] = []
    if filters.review_queue:
        parts.append(gettext("Review queue"))
    elif filters.status:
        parts.append(f"{gettext('Status')}：{STATUS_LABELS.get(filters.status, filters.status)}")
    if filters.category:
        label = CATEGORY_LABELS.get(filters.category, filters.category)
        parts.append(f"{gettext('Category')}：{label}")
    if filters.office_id:
        parts.append(f"{gettext('Judicial office')}：#{filters.office_id}")
    return "；".join(parts)


def export_needs(
    actor: User,
    filters: NeedFilter,
    fmt: ExportFormat,
    asked: Mapping[str, str],
    *,
    ip: str | None = None,
) -> Export:
    """The needs `actor` may see, filtered as the list is (every page), newest first."""
    now = utcnow()
    described = _described(filters)
    stamp = Stamp(
        title=gettext("Needs"),
        username=actor.username,
        exported_at=now,
        lines=[
            (gettext("Exported by"), actor.display_name),
            (gettext("Exported at"), to_local(now).strftime("%Y-%m-%d %H:%M")),
            (gettext("Filters"), described or gettext("none")),
        ],
    )
    rows = list(_rows(actor, filters))
    export = write_table("needs", _headers(), rows, fmt, stamp=stamp)
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.NEED_EXPORT,
        "need",
        None,
        format=fmt.value,
        rows=len(rows),
        filters={key: value for key, value in asked.items() if value},
    )
    db.session.commit()
    return export
