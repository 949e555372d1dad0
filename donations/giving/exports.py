"""The donations export for finance: the filtered list as CSV or XLSX, audited.

For people to read: Chinese headers, amounts in yuan written exactly from fen
("1,234.50"), statuses in words, and who exported it and when in the XLSX's header rows
and in the file's name. Donors are not named: the export has no identity in it.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.audit_words import describe
from core.db import db, utcnow
from core.errors import NotFound
from core.export import Cell, Export, ExportFormat, Stamp, write_table
from core.money import yuan_text
from core.timeutil import to_local
from core.users import Role, User
from donations.giving.models import Donation
from donations.giving.reports import DonationFilter, list_donations

EXPORTERS = (Role.FINANCE, Role.ADMIN, Role.AUDITOR)
# Every row, whatever the page size of the list on screen.
MAX_ROWS = 100_000
HEADERS = (
    _l("Donation number"),
    _l("Created at"),
    _l("Paid at"),
    _l("Project"),
    _l("Need card alias"),
    _l("Amount (yuan)"),
    _l("To the need (yuan)"),
    _l("To the pool (yuan)"),
    _l("Refunded (yuan)"),
    _l("Status"),
    _l("Anonymous"),
    _l("Certificate number"),
)
STATUS_LABELS = {
    "pending": _l("Awaiting payment"),
    "succeeded": _l("Payment succeeded"),
    "failed": _l("Payment failed"),
    "cancelled": _l("Payment cancelled"),
    "refunded": _l("Refunded"),
    "partially_refunded": _l("Partially refunded"),
}
TIME = "%Y-%m-%d %H:%M:%S"


def _rows(donations: list[Donation]) -> Iterator[list[Cell]]:
    yes, no = gettext("yes"), gettext("no")
    for d in donations:
        status = STATUS_LABELS.get(d.status)
        yield [
            d.id,
            to_local(d.created_at).strftime(TIME),
            to_local(d.paid_at).strftime(TIME) if d.paid_at else "",
            d.project.title,
            d.listing.need.alias if d.listing else "",
            yuan_text(d.amount_fen),
            yuan_text(d.to_need_fen),
            yuan_text(d.to_pool_fen),
            yuan_text(d.refunded_fen),
            str(status) if status is not None else d.status,
            yes if d.anonymous else no,
            d.certificate_no or "",
        ]


def _in_words(asked: dict[str, str]) -> dict[str, str]:
    status = STATUS_LABELS.get(asked.get("status", ""))
    return {**asked, "status": str(status)} if status is not None else asked


def export_donations(
    actor: User, filters: DonationFilter, fmt: ExportFormat, *, ip: str | None = None
) -> Export:
    """The donations matching `filters` as a file, and its audit entry; one transaction."""
    if not actor.has_role(*EXPORTERS):
        raise NotFound("There is no such page or record.")
    donations, total = list_donations(
        DonationFilter(status=filters.status, project_id=filters.project_id, q=filters.q),
        MAX_ROWS,
    )
    asked = {
        key: value
        for key, value in (
            ("status", filters.status),
            ("project_id", filters.project_id),
            ("q", filters.q),
        )
        if value
    }
    now = utcnow()
    stamp = Stamp(
        title=gettext("Donation records"),
        username=actor.username,
        exported_at=now,
        lines=[
            (gettext("Exported by"), actor.display_name),
            (gettext("Exported at"), to_local(now).strftime("%Y-%m-%d %H:%M")),
            (gettext("Filters"), describe(_in_words(asked)) or gettext("none")),
            (gettext("Rows"), str(total)),
        ],
    )
    headers = [str(header) for header in HEADERS]
    export = write_table("donations", headers, _rows(donations), fmt, stamp=stamp)
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.DONATION_EXPORT,
        "donation",
        None,
        count=total,
        format=str(fmt),
        filters=asked,
    )
    db.session.commit()
    return export
