"""The donations export for finance: the filtered list as CSV or XLSX, audited."""

from __future__ import annotations

from collections.abc import Iterator

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db
from core.errors import NotFound
from core.export import Cell, Export, ExportFormat, write_table
from core.timeutil import to_local
from core.users import Role, User
from donations.giving.models import Donation
from donations.giving.reports import DonationFilter, list_donations

EXPORTERS = (Role.FINANCE, Role.ADMIN, Role.AUDITOR)
# Every row, whatever the page size of the list on screen.
MAX_ROWS = 100_000
HEADERS = (
    "donation_id",
    "created_at",
    "paid_at",
    "project",
    "need_alias",
    "amount_fen",
    "to_need_fen",
    "to_pool_fen",
    "refunded_fen",
    "status",
    "anonymous",
    "certificate_no",
)


def _rows(donations: list[Donation]) -> Iterator[list[Cell]]:
    for d in donations:
        yield [
            d.id,
            to_local(d.created_at).isoformat(),
            to_local(d.paid_at).isoformat() if d.paid_at else "",
            d.project.title,
            d.listing.need.alias if d.listing else "",
            d.amount_fen,
            d.to_need_fen,
            d.to_pool_fen,
            d.refunded_fen,
            d.status,
            d.anonymous,
            d.certificate_no or "",
        ]


def export_donations(
    actor: User, filters: DonationFilter, fmt: ExportFormat, *, ip: str | None = None
) -> Export:
    """The donations matching `filters` as a file, and its audit entry; one transaction."""
    if not actor.has_role(*EXPORTERS):
        raise NotFound("There is no such page or record.")
    donations, total = list_donations(
        DonationFilter(
            status=filters.status, project_id=filters.project_id, q=filters.q, per_page=MAX_ROWS
        )
    )
    export = write_table("donations", HEADERS, _rows(donations), fmt)
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.DONATION_EXPORT,
        "donation",
        None,
        count=total,
        format=str(fmt),
        filters={
            key: value
            for key, value in (
                ("status", filters.status),
                ("project_id", filters.project_id),
                ("q", filters.q),
            )
            if value
        },
    )
    db.session.commit()
    return export
