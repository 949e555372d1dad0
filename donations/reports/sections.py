"""The wing's sections of `/reports`: money raised per day and per month, what pools and
needs hold over time, raised against allocated and paid out per project, and where the
money went by town.

For finance, coordinators, admins and auditors. The town figure names towns: for a
viewer outside casework a town counting fewer than 3 people is merged (core.small_cells).
"""

from __future__ import annotations

from collections import defaultdict

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.db import db
from core.people.models import Person
from core.reports.figures import ChartKind, Column, DateRange, Figure, Series, Unit
from core.reports.hiding import hide_small_cells, towns_merged_note
from core.small_cells import Cell
from core.towns import TOWN_NAMES
from core.users import Role, User
from core.wings import ReportSection
from donations.projects.models import Project
from donations.reports.ledger_sums import (
    balances_by_day,
    flows_by_project,
    money_into_needs_by,
    received_by_day,
)

MONEY_READERS = frozenset({Role.ADMIN, Role.AUDITOR, Role.FINANCE, Role.COORDINATOR})
OTHER = "__other__"


def _raised(labels: list[str], received: list[int], refunded: list[int], header: str) -> Figure:
    net = [a - b for a, b in zip(received, refunded, strict=True)]
    return Figure(
        label_header=header,
        labels=tuple(labels),
        series=(
            Series(gettext("Received"), tuple(received)),
            Series(gettext("Refunded"), tuple(refunded)),
        ),
        unit=Unit.FEN,
        columns=(Column(gettext("Net"), Unit.FEN, tuple(net)),),
        totals=(sum(received), sum(refunded), sum(net)),
        notes=(
            gettext(
                "Gifts the payment provider confirmed, by the business day (Asia/Shanghai)"
                " they were booked; refunds on the day the provider made them."
            ),
        ),
    )


def raised_per_day(user: User, period: DateRange) -> Figure:
    """Gifts received and refunded each day of the range; one query."""
    days = received_by_day(period)
    dates = period.days()
    return _raised(
        [day.isoformat() for day in dates],
        [days[d].received_fen if d in days else 0 for d in dates],
        [days[d].refunded_fen if d in days else 0 for d in dates],
        gettext("Day"),
    )


def raised_per_month(user: User, period: DateRange) -> Figure:
    """Gifts received and refunded each month the range touches; one query."""
    received: dict[str, int] = defaultdict(int)
    refunded: dict[str, int] = defaultdict(int)
    for day, amounts in received_by_day(period).items():
        month = day.strftime("%Y-%m")
        received[month] += amounts.received_fen
        refunded[month] += amounts.refunded_fen
    months = period.months()
    return _raised(
        months,
        [received[m] for m in months],
        [refunded[m] for m in months],
        gettext("Month"),
    )


def fund_balances(user: User, period: DateRange) -> Figure:
    """What the pools and the needs' restricted accounts held at the end of each day; two
    queries (the opening balances, then each day's changes)."""
    opening, changes = balances_by_day(period)
    pools, needs = opening.pools_fen, opening.needs_fen
    pool_values: list[int] = []
    need_values: list[int] = []
    for day in period.days():
        change = changes.get(day)
        if change is not None:
            pools += change.pools_fen
            needs += change.needs_fen
        pool_values.append(pools)
        need_values.append(needs)
    return Figure(
        label_header=gettext("Day"),
        labels=tuple(day.isoformat() for day in period.days()),
        series=(
            Series(gettext("In pools"), tuple(pool_values)),
            Series(gettext("Held for needs"), tuple(need_values)),
        ),
        unit=Unit.FEN,
        kind=ChartKind.LINE,
        notes=(
            gettext(
                "At the end of each day. Pools hold gifts not yet allocated; needs hold"
                " designated and allocated money not yet paid out."
            ),
        ),
    )


def per_project(user: User, period: DateRange) -> Figure:
    """Per project: raised, allocated from its pools, paid out; two queries."""
    flows = flows_by_project(period)
    projects = list(
        db.session.execute(
            select(Project.id, Project.title).order_by(Project.created_at, Project.id)
        )
    )
    shown = [(pid, title) for pid, title in projects if pid in flows]
    rows = [flows[pid] for pid, _title in shown]
    return Figure(
        label_header=gettext("Project"),
        labels=tuple(title for _pid, title in shown),
        series=(
            Series(gettext("Raised"), tuple(r.raised_fen for r in rows)),
            Series(gettext("Allocated from pools"), tuple(r.allocated_fen for r in rows)),
            Series(gettext("Paid out"), tuple(r.paid_fen for r in rows)),
        ),
        unit=Unit.FEN,
        columns=(
            Column(
                gettext("Designated by donors"), Unit.FEN, tuple(r.designated_fen for r in rows)
            ),
            Column(gettext("Refunded"), Unit.FEN, tuple(r.refunded_fen for r in rows)),
            Column(gettext("Net raised"), Unit.FEN, tuple(r.net_raised_fen for r in rows)),
        ),
        totals=(
            sum(r.raised_fen for r in rows),
            sum(r.allocated_fen for r in rows),
            sum(r.paid_fen for r in rows),
            sum(r.designated_fen for r in rows),
            sum(r.refunded_fen for r in rows),
            sum(r.net_raised_fen for r in rows),
        ),
        notes=(
            gettext(
                "Raised: gifts booked in the range. Designated gifts go straight to their"
                " need; pool money reaches needs by approved allocations."
            ),
        ),
    )


def per_town(user: User, period: DateRange) -> Figure:
    """Money that reached needs, and was paid out, by the person's town; one query.
    Outside casework, towns counting fewer than 3 people are merged."""
    money = money_into_needs_by(Person.town, period, minors=user.may_see_minors)
    towns = [town for town in TOWN_NAMES if town in money] + sorted(set(money) - set(TOWN_NAMES))
    cells = [
        Cell(
            town,
            money[town].people_funded,
            (money[town].into_needs_fen, money[town].paid_fen),
            (money[town].people_paid,),
        )
        for town in towns
    ]
    notes = [
        gettext(
            "Into needs: designated gifts and allocations booked in the range; paid out:"
            " payouts approved in the range."
        )
    ]
    if not user.does_casework:
        shown = hide_small_cells(cells, notes, towns_merged_note(), disjoint=True, other_key=OTHER)
        cells = list(shown.cells)
    label = {OTHER: gettext("Other towns")}
    return Figure(
        label_header=gettext("Town"),
        labels=tuple(label.get(cell.key, cell.key) for cell in cells),
        series=(
            Series(gettext("Into needs"), tuple(cell.values[0] for cell in cells)),
            Series(gettext("Paid out"), tuple(cell.values[1] for cell in cells)),
        ),
        unit=Unit.FEN,
        columns=(
            Column(gettext("People funded"), Unit.COUNT, tuple(c.people for c in cells)),
            Column(gettext("People paid"), Unit.COUNT, tuple(c.more_people[0] for c in cells)),
        ),
        notes=tuple(notes),
        suppressed=not cells and bool(money),
    )


def sections() -> list[ReportSection]:
    money = _l("Money")
    return [
        ReportSection(
            "raised-per-day", _l("Raised per day"), money, MONEY_READERS, raised_per_day, order=10
        ),
        ReportSection(
            "raised-per-month",
            _l("Raised per month"),
            money,
            MONEY_READERS,
            raised_per_month,
            order=11,
        ),
        ReportSection(
            "fund-balances",
            _l("Pool balance over time"),
            money,
            MONEY_READERS,
            fund_balances,
            order=12,
        ),
        ReportSection(
            "projects",
            _l("Raised, allocated and paid out per project"),
            money,
            MONEY_READERS,
            per_project,
            order=13,
        ),
        ReportSection(
            "towns-money",
            _l("Money by town"),
            money,
            MONEY_READERS,
            per_town,
            order=14,
            description=_l("Where the money reached people's needs, by their town."),
        ),
    ]
