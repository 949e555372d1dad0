"""The wing's sheet of the county's monthly statistics: the money of the month per project,
and what the pools and needs held at its end (amounts in yuan, exact from fen)."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import select

from core.db import db
from core.export import Cell, Sheet
from core.money import yuan_text
from core.reports.figures import DateRange
from donations.projects.models import Project
from donations.reports.ledger_sums import Flows, balances_by_day, flows_by_project


def money_sheet(month: DateRange) -> Sheet:
    """Per project and in total: raised, refunded, designated, allocated, paid out; then the
    balances at the month's end; four queries."""
    flows = flows_by_project(month)
    titles: dict[str, str] = {
        pid: title
        for pid, title in db.session.execute(
            select(Project.id, Project.title).order_by(Project.created_at)
        )
    }
    opening, changes = balances_by_day(month)
    pools = opening.pools_fen + sum(change.pools_fen for change in changes.values())
    needs = opening.needs_fen + sum(change.needs_fen for change in changes.values())

    def row(label: str, flow: Flows) -> list[Cell]:
        return [
            label,
            yuan_text(flow.raised_fen),
            yuan_text(flow.refunded_fen),
            yuan_text(flow.designated_fen),
            yuan_text(flow.allocated_fen),
            yuan_text(flow.paid_fen),
        ]

    total = Flows()
    for flow in flows.values():
        total.raised_fen += flow.raised_fen
        total.refunded_fen += flow.refunded_fen
        total.designated_fen += flow.designated_fen
        total.allocated_fen += flow.allocated_fen
        total.paid_fen += flow.paid_fen
    rows = [row(str(titles.get(pid, pid)), flow) for pid, flow in sorted(flows.items())]
    rows.append(row(gettext("Total"), total))
    rows.append([])
    rows.append([gettext("In pools at the month's end (yuan)"), yuan_text(pools)])
    rows.append([gettext("Held for needs at the month's end (yuan)"), yuan_text(needs)])
    return Sheet(
        gettext("Charity money"),
        [
            gettext("Project"),
            gettext("Raised (yuan)"),
            gettext("Refunded (yuan)"),
            gettext("Designated by donors (yuan)"),
            gettext("Allocated from pools (yuan)"),
            gettext("Paid out (yuan)"),
        ],
        rows,
        [gettext("From the ledger, by business day (Asia/Shanghai).")],
    )
