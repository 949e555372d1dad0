"""Projects, pools and the pools' history as files for people: CSV or XLSX.

Chinese headers, amounts in yuan written exactly from fen, statuses and entry types in
words, as the pages show them. Nothing here names a person: a gift is its certificate
number, a need its title. Stamped and audited through core.list_export.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from core.audit_actions import AuditAction
from core.export import Cell, Export
from core.list_export import ExportRequest, ListExport, audited_export, when
from core.money import yuan_text
from core.needs.labels import CATEGORY_LABELS
from donations.projects.queries import pool_summaries, project_rows

MAX_HISTORY = 100_000
STATUS_LABELS = {"draft": _l("Draft"), "active": _l("On the map"), "closed": _l("Closed")}
ENTRY_KINDS = {
    "donation_received": _l("Donation received"),
    "refund": _l("Refund"),
    "allocation": _l("Allocation"),
    "disbursement": _l("Payout"),
    "redirect": _l("Carried over after the need closed"),
    "reversal": _l("Reversal"),
}


def export_projects(request: ExportRequest) -> Export:
    """Every project, newest first, with what it raised, as the projects page lists them."""
    headers = [
        gettext("Title"),
        gettext("Charity"),
        gettext("Fundraising registration number"),
        gettext("Status"),
        gettext("Goal (yuan)"),
        gettext("Raised (yuan)"),
        gettext("Donors"),
        gettext("Starts on"),
        gettext("Ends on"),
        gettext("Created"),
    ]
    rows: list[list[Cell]] = [
        [
            row.project.title,
            row.project.charity_name,
            row.project.fundraising_reg_no,
            str(STATUS_LABELS.get(row.project.status, row.project.status)),
            yuan_text(row.project.goal_fen),
            yuan_text(row.totals.raised_fen),
            row.totals.donor_count,
            row.project.starts_on.isoformat(),
            row.project.ends_on.isoformat(),
            when(row.project.created_at),
        ]
        for row in project_rows()
    ]
    kind = ListExport(
        "projects", gettext("Fundraising projects"), AuditAction.PROJECT_EXPORT, "project"
    )
    return audited_export(request, kind, headers, rows)


def export_pools(request: ExportRequest) -> Export:
    """Every pool with its project, balance and restrictions."""
    headers = [
        gettext("Pool"),
        gettext("Project"),
        gettext("Balance (yuan)"),
        gettext("Categories"),
        gettext("Towns"),
    ]
    rows: list[list[Cell]] = [
        [
            summary.pool.name,
            summary.pool.project.title,
            yuan_text(summary.balance_fen),
            "、".join(str(CATEGORY_LABELS.get(c, c)) for c in summary.pool.categories or ()),
            "、".join(summary.pool.towns or ()),
        ]
        for summary in pool_summaries(history=0)
    ]
    kind = ListExport("pools", gettext("Pool balances"), AuditAction.POOL_EXPORT, "pool")
    return audited_export(request, kind, headers, rows)


def export_pool_history(request: ExportRequest) -> Export:
    """Every pool's journal entries, newest first: money in and out in yuan."""
    headers = [
        gettext("Pool"),
        gettext("Time"),
        gettext("Entry type"),
        gettext("Donation certificate"),
        gettext("Need"),
        gettext("In (yuan)"),
        gettext("Out (yuan)"),
    ]
    rows: list[list[Cell]] = []
    for summary in pool_summaries(history=MAX_HISTORY):
        for line in summary.history:
            rows.append(
                [
                    summary.pool.name,
                    when(line.posted_at),
                    str(ENTRY_KINDS.get(line.kind, line.kind)),
                    line.certificate_no or "",
                    line.need_title or "",
                    yuan_text(-line.amount_fen) if line.amount_fen < 0 else "",
                    yuan_text(line.amount_fen) if line.amount_fen > 0 else "",
                ]
            )
    kind = ListExport(
        "pool-history", gettext("Pool history"), AuditAction.POOL_HISTORY_EXPORT, "pool"
    )
    return audited_export(request, kind, headers, rows)
