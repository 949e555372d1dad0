"""What the public is told about a fundraising project (the Charity Law's disclosure).

Raised, refunded, what reached needs (designated gifts and allocations), what was paid
out, and what the pools and needs still hold; then what the money was used for, by need
category and by town. Those two tables count people, so every cell of fewer than 3
people is merged (core.small_cells): a town or category that would single someone out
never appears alone. No alias, no story, no amount of one person's need: nothing here
points at anyone. Minors' needs are never published, and their money is left out.

Only active and closed projects are disclosed; a draft (or any other id) is NotFound.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.db import db, utcnow
from core.errors import NotFound
from core.export import Cell as ExportCell
from core.export import Export, ExportFormat, Sheet, Stamp, write_table, write_workbook
from core.money import yuan_text
from core.needs.labels import CATEGORY_LABELS
from core.needs.models import Need, NeedCategory
from core.people.models import Person
from core.small_cells import Cell, Disclosed, suppress_small_cells
from core.timeutil import local_today, to_local
from core.towns import TOWN_NAMES
from donations.projects.models import Project, ProjectStatus
from donations.reports.ledger_sums import (
    Flows,
    NeedMoney,
    flows_by_project,
    money_into_needs_by,
    people_behind,
    project_balances,
)

OTHER = "__other__"
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
PUBLIC_STATUSES = (ProjectStatus.ACTIVE.value, ProjectStatus.CLOSED.value)


@dataclass(frozen=True)
class UseRow:
    """What the money was used for, in one category or town (or several merged)."""

    label: str
    into_needs_fen: int
    paid_fen: int
    people_funded: int
    people_paid: int


@dataclass(frozen=True)
class UseTable:
    rows: list[UseRow]
    merged: bool  # some small cells were merged into "other"
    suppressed: bool  # too few people in all: nothing shown


@dataclass(frozen=True)
class ProjectDisclosure:
    project: Project
    flows: Flows
    in_pools_fen: int
    held_for_needs_fen: int
    people_funded: int | None  # None when fewer than 3: not shown
    people_paid: int | None
    by_category: UseTable
    by_town: UseTable
    as_of: str


def public_projects() -> list[Project]:
    """Active projects first, then closed ones; newest first within each."""
    return list(
        db.session.scalars(
            select(Project)
            .where(Project.status.in_(PUBLIC_STATUSES))
            .order_by(Project.status, Project.created_at.desc())
        )
    )


def _project(project_id: str) -> Project:
    if not _UUID.fullmatch(project_id):
        raise NotFound("No such project.")
    project = db.session.get(Project, project_id)
    if project is None or project.status not in PUBLIC_STATUSES:
        raise NotFound("No such project.")
    return project


def _table(
    money: dict[str, NeedMoney],
    keys: list[str],
    labels: dict[str, str],
    *,
    disjoint: bool,
    people: int,
    other: str,
) -> UseTable:
    cells = [
        Cell(
            key,
            money[key].people_funded if key in money else 0,
            (
                money[key].into_needs_fen if key in money else 0,
                money[key].paid_fen if key in money else 0,
            ),
            (money[key].people_paid if key in money else 0,),
        )
        for key in keys
    ]
    shown: Disclosed = suppress_small_cells(
        cells, disjoint=disjoint, total_people=None if disjoint else people, other_key=OTHER
    )
    return UseTable(
        rows=[
            UseRow(
                other if cell.key == OTHER else labels.get(cell.key, cell.key),
                cell.values[0],
                cell.values[1],
                cell.people,
                cell.more_people[0],
            )
            for cell in shown.cells
        ],
        merged=bool(shown.merged),
        suppressed=shown.suppressed,
    )


def project_disclosure(project_id: str) -> ProjectDisclosure:
    """A project's public figures; seven queries."""
    project = _project(project_id)
    flows = flows_by_project(project_id=project.id).get(project.id, Flows())
    balances = project_balances(project.id)
    people_funded, people_paid = people_behind(project.id)
    by_category = money_into_needs_by(Need.category, project_id=project.id)
    by_town = money_into_needs_by(Person.town, project_id=project.id)
    categories = [category.value for category in NeedCategory]
    towns = [town for town in TOWN_NAMES if town in by_town] + sorted(
        set(by_town) - set(TOWN_NAMES)
    )
    return ProjectDisclosure(
        project=project,
        flows=flows,
        in_pools_fen=balances.pools_fen,
        held_for_needs_fen=balances.needs_fen,
        people_funded=people_funded if people_funded >= 3 else None,
        people_paid=people_paid if people_paid >= 3 else None,
        by_category=_table(
            by_category,
            categories,
            {key: str(label) for key, label in CATEGORY_LABELS.items()},
            disjoint=False,
            people=people_funded,
            other=gettext("Other categories"),
        ),
        by_town=_table(
            by_town,
            towns,
            {},
            disjoint=True,
            people=people_funded,
            other=gettext("Other towns"),
        ),
        as_of=local_today().isoformat(),
    )


# -- the export ------------------------------------------------------------------------------


def _summary(found: ProjectDisclosure) -> list[list[ExportCell]]:
    flows = found.flows
    project = found.project
    return [
        [gettext("Project"), project.title],
        [gettext("Charity"), project.charity_name],
        [gettext("Fundraising registration number"), project.fundraising_reg_no],
        [gettext("Fundraising period"), f"{project.starts_on} – {project.ends_on}"],
        [gettext("Goal (yuan)"), yuan_text(project.goal_fen)],
        [gettext("Raised (yuan)"), yuan_text(flows.raised_fen)],
        [gettext("Refunded (yuan)"), yuan_text(flows.refunded_fen)],
        [gettext("Net raised (yuan)"), yuan_text(flows.net_raised_fen)],
        [gettext("Designated by donors to needs (yuan)"), yuan_text(flows.designated_fen)],
        [gettext("Allocated from pools to needs (yuan)"), yuan_text(flows.allocated_fen)],
        [gettext("Used: paid out (yuan)"), yuan_text(flows.paid_fen)],
        [gettext("Held for needs, not yet paid out (yuan)"), yuan_text(found.held_for_needs_fen)],
        [gettext("In pools, not yet allocated (yuan)"), yuan_text(found.in_pools_fen)],
        [gettext("As of"), found.as_of],
    ]


def _use_headers(first: str) -> list[str]:
    return [
        first,
        gettext("Reached needs (yuan)"),
        gettext("Paid out (yuan)"),
        gettext("People helped"),
        gettext("People paid"),
    ]


def _use_rows(table: UseTable) -> list[list[ExportCell]]:
    return [
        [
            row.label,
            yuan_text(row.into_needs_fen),
            yuan_text(row.paid_fen),
            row.people_funded,
            row.people_paid,
        ]
        for row in table.rows
    ]


SUPPRESSION_NOTE = _l(
    "Categories and towns counting fewer than 3 people are merged, so that no one can be"
    " singled out."
)


def export_disclosure(project_id: str, fmt: ExportFormat) -> Export:
    """The disclosure as a file: XLSX with a sheet per table; CSV as one table (part, item,
    value...). Public figures: no sign-in, no audit entry (nothing in it is personal)."""
    found = project_disclosure(project_id)
    stamp = Stamp(
        title=gettext("Public disclosure: %(title)s", title=found.project.title),
        username="public",
        exported_at=utcnow(),
        lines=[
            (gettext("Exported at"), to_local(utcnow()).strftime("%Y-%m-%d %H:%M")),
            (gettext("Fundraising registration number"), found.project.fundraising_reg_no),
        ],
    )
    name = f"disclosure_{found.project.id[:8]}"
    if fmt is ExportFormat.XLSX:
        return write_workbook(
            name,
            [
                Sheet(gettext("Overview"), [gettext("Item"), gettext("Value")], _summary(found)),
                Sheet(
                    gettext("Use by category"),
                    _use_headers(gettext("Category")),
                    _use_rows(found.by_category),
                    [str(SUPPRESSION_NOTE)],
                ),
                Sheet(
                    gettext("Use by town"),
                    _use_headers(gettext("Town")),
                    _use_rows(found.by_town),
                    [str(SUPPRESSION_NOTE)],
                ),
            ],
            stamp,
        )
    rows: list[list[ExportCell]] = [[gettext("Overview"), *row] for row in _summary(found)]
    rows += [[gettext("Use by category"), *row] for row in _use_rows(found.by_category)]
    rows += [[gettext("Use by town"), *row] for row in _use_rows(found.by_town)]
    headers = [
        gettext("Part"),
        gettext("Item"),
        gettext("Value or reached needs (yuan)"),
        gettext("Paid out (yuan)"),
        gettext("People helped"),
        gettext("People paid"),
    ]
    return write_table(name, headers, rows, fmt, stamp=stamp)
