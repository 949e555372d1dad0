"""The casework sections of `/reports`: needs by category and by town with how much is
funded, the time from submission to funding, and fairness across towns.

Scope as on every casework page: an officer sees the offices of their scope, admins and
auditors every office; minors count only for viewers with the juvenile permission.
Fairness is also shown to finance and coordinators, county-wide, with small cells
merged (core.small_cells): a viewer outside casework never sees a town or category
that counts one or two people.

Counting rules (written into docs/reports.md):
- a need counts once it has left the draft stage (submitted, reviewed, published, funded,
  paid out, closed, cancelled or expired), by the day it was written;
- a need is funded when it has reached funded (it is funded in full: designated gifts
  and allocations together cover its amount), paid out or closed;
- time to funding runs from the need's first submission to the first time it was
  funded, both from the audit log, and is grouped by the month it was funded;
- registered people of a town are those whose case was open at some time in the range.

Each figure is built in a fixed number of grouped queries, whatever the data size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, String, case, cast, func, or_, select

from core.audit import AuditEvent
from core.audit_actions import AuditAction
from core.db import db
from core.needs.labels import CATEGORY_LABELS
from core.needs.models import Need, NeedCategory, NeedStatus
from core.orgs import OrgUnit, UnitKind
from core.people.models import Person
from core.reports.figures import (
    ChartKind,
    Column,
    DateRange,
    Figure,
    Series,
    Unit,
    local_month,
    median_tenths,
    percentile_tenths,
    permille,
)
from core.reports.hiding import hide_small_cells, towns_merged_note
from core.small_cells import Cell
from core.towns import TOWN_NAMES
from core.users import CASEWORK_ROLES, Role, User, visible_office_ids
from core.wings import ReportSection

FUNDED_STATUSES = (NeedStatus.FUNDED, NeedStatus.DISBURSED, NeedStatus.CLOSED)
OTHER = "__other__"
CASEWORK = frozenset(CASEWORK_ROLES)
FAIRNESS_READERS = frozenset({*CASEWORK_ROLES, Role.FINANCE, Role.COORDINATOR})


# -- scope -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    offices: list[int] | None  # None: every office
    minors: bool
    suppress: bool  # the viewer is outside casework: small cells are merged

    @classmethod
    def of(cls, user: User) -> Scope:
        if user.does_casework:
            return cls(visible_office_ids(user), user.may_see_minors, suppress=False)
        # Finance and coordinators read county-wide figures, never a small cell, no minor.
        return cls(None, False, suppress=True)

    def people(self, query: Select[Any]) -> Select[Any]:
        if self.offices is not None:
            query = query.where(Person.office_id.in_(self.offices))
        if not self.minors:
            query = query.where(Person.is_minor.is_(False))
        return query


def needs_written_in(scope: Scope, period: DateRange, key: Any) -> Select[Any]:
    """Needs past the draft stage written in the range, grouped by `key`, with how many
    are funded: needs, people, amount, funded needs, funded people, funded amount."""
    funded = Need.status.in_([s.value for s in FUNDED_STATUSES])
    query = (
        select(
            key,
            func.count(Need.id),
            func.count(func.distinct(Person.id)),
            func.coalesce(func.sum(Need.amount_fen), 0),
            func.coalesce(func.sum(case((funded, 1), else_=0)), 0),
            func.count(func.distinct(case((funded, Person.id)))),
            func.coalesce(func.sum(case((funded, Need.amount_fen), else_=0)), 0),
        )
        .join(Person, Person.id == Need.person_id)
        .where(
            Need.status != NeedStatus.DRAFT.value,
            Need.created_at >= period.start_utc,
            Need.created_at < period.end_utc,
        )
        .group_by(key)
    )
    return scope.people(query)


@dataclass(frozen=True)
class NeedCounts:
    needs: int = 0
    people: int = 0
    amount_fen: int = 0
    funded: int = 0
    funded_people: int = 0
    funded_fen: int = 0


def need_counts(rows: Sequence[Any]) -> dict[str, NeedCounts]:
    return {str(row[0] or ""): NeedCounts(*(int(value or 0) for value in row[1:])) for row in rows}


def _distinct_people(scope: Scope, period: DateRange) -> int:
    """Distinct people behind the needs written in the range (a person may have several)."""
    query = (
        select(func.count(func.distinct(Person.id)))
        .select_from(Need)
        .join(Person, Person.id == Need.person_id)
        .where(
            Need.status != NeedStatus.DRAFT.value,
            Need.created_at >= period.start_utc,
            Need.created_at < period.end_utc,
        )
    )
    return int(db.session.scalar(scope.people(query)) or 0)


def _towns_in_scope(scope: Scope) -> list[str]:
    """The towns of the offices in scope, in the county's order."""
    query = select(OrgUnit.town).where(OrgUnit.kind == UnitKind.OFFICE, OrgUnit.town.is_not(None))
    if scope.offices is not None:
        query = query.where(OrgUnit.id.in_(scope.offices))
    return town_order({str(town) for town in db.session.scalars(query)})


def town_order(towns: set[str]) -> list[str]:
    known = [town for town in TOWN_NAMES if town in towns]
    return known + sorted(towns - set(known))


def _needs_figure(
    label_header: str, keys: list[str], labels: list[str], counts: dict[str, NeedCounts]
) -> Figure:
    rows = [counts.get(key, NeedCounts()) for key in keys]
    return Figure(
        label_header=label_header,
        labels=tuple(labels),
        series=(
            Series(gettext("Amount needed"), tuple(r.amount_fen for r in rows)),
            Series(gettext("Amount funded"), tuple(r.funded_fen for r in rows)),
        ),
        unit=Unit.FEN,
        columns=(
            Column(gettext("Needs"), Unit.COUNT, tuple(r.needs for r in rows)),
            Column(gettext("People"), Unit.COUNT, tuple(r.people for r in rows)),
            Column(gettext("Needs fully funded"), Unit.COUNT, tuple(r.funded for r in rows)),
            Column(
                gettext("Share of the amount funded"),
                Unit.PERMILLE,
                tuple(permille(r.funded_fen, r.amount_fen) for r in rows),
            ),
        ),
    )


def _with_totals(figure: Figure, counts: Sequence[NeedCounts], people: int) -> Figure:
    amount = sum(c.amount_fen for c in counts)
    funded_fen = sum(c.funded_fen for c in counts)
    totals = (
        amount,
        funded_fen,
        sum(c.needs for c in counts),
        people,
        sum(c.funded for c in counts),
        permille(funded_fen, amount),
    )
    return replace(figure, totals=totals)


def needs_by_category(user: User, period: DateRange) -> Figure:
    """Needs written in the range by category, and how much of each is funded; 2 queries."""
    scope = Scope.of(user)
    counts = need_counts(db.session.execute(needs_written_in(scope, period, Need.category)).all())
    keys = [category.value for category in NeedCategory]
    figure = _needs_figure(
        gettext("Category"), keys, [str(CATEGORY_LABELS[key]) for key in keys], counts
    )
    return _with_totals(figure, list(counts.values()), _distinct_people(scope, period))


def needs_by_town(user: User, period: DateRange) -> Figure:
    """Needs written in the range by the person's town, and how much is funded; 2 queries."""
    scope = Scope.of(user)
    counts = need_counts(db.session.execute(needs_written_in(scope, period, Person.town)).all())
    towns = town_order(set(_towns_in_scope(scope)) | set(counts))
    figure = _needs_figure(gettext("Town"), towns, towns, counts)
    return _with_totals(figure, list(counts.values()), sum(c.people for c in counts.values()))


# -- time from submission to funding ---------------------------------------------------------


def _tenths_of_days(start: datetime, end: datetime) -> int:
    seconds = max(0, (end - start) // timedelta(seconds=1))
    return (seconds * 10 + 43_200) // 86_400


def time_to_funding(user: User, period: DateRange) -> Figure:
    """Per month a need was first funded: the median and 90th percentile of days from its
    first submission; one grouped query (first submission and funding per need)."""
    scope = Scope.of(user)
    at = AuditEvent.occurred_at
    submitted: ColumnElement[Any] = func.min(
        case((AuditEvent.action == AuditAction.NEED_SUBMIT.value, at)), type_=at.type
    )
    funded: ColumnElement[Any] = func.min(
        case((AuditEvent.action == AuditAction.NEED_FUNDED.value, at)), type_=at.type
    )
    firsts = (
        select(
            AuditEvent.object_id.label("need_key"),
            submitted.label("submitted_at"),
            funded.label("funded_at"),
        )
        .where(
            AuditEvent.object_type == "need",
            AuditEvent.action.in_([AuditAction.NEED_SUBMIT.value, AuditAction.NEED_FUNDED.value]),
        )
        .group_by(AuditEvent.object_id)
        .subquery()
    )
    query = (
        select(
            func.coalesce(firsts.c.submitted_at, Need.submitted_at, type_=at.type),
            firsts.c.funded_at,
        )
        .select_from(firsts)
        .join(Need, cast(Need.id, String) == firsts.c.need_key)
        .join(Person, Person.id == Need.person_id)
        .where(firsts.c.funded_at >= period.start_utc, firsts.c.funded_at < period.end_utc)
    )
    by_month: dict[str, list[int]] = defaultdict(list)
    for first_submitted, first_funded in db.session.execute(scope.people(query)):
        if first_submitted is not None and first_funded is not None:
            by_month[local_month(first_funded)].append(
                _tenths_of_days(first_submitted, first_funded)
            )
    months = period.months()
    waits = [sorted(by_month.get(month, [])) for month in months]
    return Figure(
        label_header=gettext("Month funded"),
        labels=tuple(months),
        series=(
            Series(gettext("Median days"), tuple(median_tenths(w) for w in waits)),
            Series(gettext("90th percentile days"), tuple(percentile_tenths(w, 90) for w in waits)),
        ),
        unit=Unit.TENTH_DAYS,
        kind=ChartKind.LINE,
        columns=(Column(gettext("Needs fully funded"), Unit.COUNT, tuple(len(w) for w in waits)),),
        notes=(
            gettext(
                "Days from a need's first submission for review to the first time it was"
                " fully funded."
            ),
        ),
    )


# -- fairness across towns -------------------------------------------------------------------


def _registered_by_town(scope: Scope, period: DateRange) -> dict[str, int]:
    """People whose case was open at some time in the range, by town; one query."""
    query = (
        select(Person.town, func.count(Person.id))
        .where(
            Person.created_at < period.end_utc,
            or_(Person.ended_on.is_(None), Person.ended_on >= period.start),
        )
        .group_by(Person.town)
    )
    return {str(town or ""): int(n) for town, n in db.session.execute(scope.people(query))}


def fairness(user: User, period: DateRange) -> Figure:
    """Per town: funded amount per registered person, and the share of needs funded;
    three queries. Outside casework, towns counting fewer than 3 people are merged."""
    scope = Scope.of(user)
    registered = _registered_by_town(scope, period)
    needs = need_counts(db.session.execute(needs_written_in(scope, period, Person.town)).all())
    towns = town_order(set(_towns_in_scope(scope)) | set(registered) | set(needs))
    cells = [
        Cell(
            town,
            registered.get(town, 0),
            (
                needs.get(town, NeedCounts()).needs,
                needs.get(town, NeedCounts()).funded,
                needs.get(town, NeedCounts()).funded_fen,
            ),
            (needs.get(town, NeedCounts()).people, needs.get(town, NeedCounts()).funded_people),
        )
        for town in towns
    ]
    notes: list[str] = [
        gettext(
            "Registered people: those whose case was open at some time in the range."
            " Needs: written in the range and past the draft stage."
        )
    ]
    if scope.suppress:
        shown = hide_small_cells(cells, notes, towns_merged_note(), disjoint=True, other_key=OTHER)
        cells = list(shown.cells)
    label = {OTHER: gettext("Other towns")}
    return Figure(
        label_header=gettext("Town"),
        labels=tuple(label.get(cell.key, cell.key) for cell in cells),
        series=(
            Series(
                gettext("Funded per registered person"),
                tuple(cell.values[2] // cell.people if cell.people else None for cell in cells),
            ),
        ),
        unit=Unit.FEN,
        columns=(
            Column(gettext("Registered people"), Unit.COUNT, tuple(c.people for c in cells)),
            Column(
                gettext("People with needs"), Unit.COUNT, tuple(c.more_people[0] for c in cells)
            ),
            Column(gettext("Needs"), Unit.COUNT, tuple(c.values[0] for c in cells)),
            Column(gettext("Needs fully funded"), Unit.COUNT, tuple(c.values[1] for c in cells)),
            Column(
                gettext("Share of needs funded"),
                Unit.PERMILLE,
                tuple(permille(c.values[1], c.values[0]) for c in cells),
            ),
            Column(gettext("Amount funded"), Unit.FEN, tuple(c.values[2] for c in cells)),
        ),
        notes=tuple(notes),
        suppressed=scope.suppress and not cells and bool(registered),
    )


# -- the sections, for the registry ----------------------------------------------------------


def sections() -> list[ReportSection]:
    """Core's sections of /reports; the portal registers them with the wings' own."""
    casework = _l("Casework")
    return [
        ReportSection(
            "needs-by-category",
            _l("Needs by category"),
            casework,
            CASEWORK,
            needs_by_category,
            order=40,
            description=_l("Needs written in the range, and how much of each is funded."),
        ),
        ReportSection(
            "needs-by-town",
            _l("Needs by town"),
            casework,
            CASEWORK,
            needs_by_town,
            order=41,
            description=_l("Needs written in the range, by the person's town."),
        ),
        ReportSection(
            "time-to-funding",
            _l("Time from submission to funding"),
            casework,
            CASEWORK,
            time_to_funding,
            order=42,
        ),
        ReportSection(
            "fairness",
            _l("Fairness across towns"),
            _l("Fairness"),
            FAIRNESS_READERS,
            fairness,
            order=60,
            description=_l(
                "Funded amount per registered person, and the share of needs funded, per town."
            ),
        ),
    ]
