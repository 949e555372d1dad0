"""The wing's section of `/reports`: volunteer hours per programme.

Approved hours of the shifts that began in the range, per programme, with the
volunteers who served them and the shifts. Admins and auditors see every programme;
a coordinator the programmes they coordinate, and never a programme counting one or
two volunteers on its own (core.small_cells): those are merged into "Other
programmes". Two queries (the programmes, the distinct volunteers), whatever the data.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from core.db import db
from core.export import Sheet
from core.reports.figures import Column, DateRange, Figure, Series, Unit, tenths_of_hours
from core.reports.hiding import hide_small_cells
from core.reports.page import figure_sheet
from core.small_cells import Cell
from core.users import Role, User
from core.wings import ReportSection
from volunteers.programmes.models import Activity, HoursEntry, HoursStatus, Programme, Shift
from volunteers.programmes.scope import STAFF, visible_programme_ids

OTHER = "__other__"


def _served(user: User | None, period: DateRange, *columns: Any) -> Select[Any]:
    query = (
        select(*columns)
        .select_from(HoursEntry)
        .join(Shift, Shift.id == HoursEntry.shift_id)
        .join(Activity, Activity.id == Shift.activity_id)
        .join(Programme, Programme.id == Activity.programme_id)
        .where(
            HoursEntry.status == HoursStatus.APPROVED.value,
            Shift.starts_at >= period.start_utc,
            Shift.starts_at < period.end_utc,
        )
    )
    visible = visible_programme_ids(user) if user is not None else None
    if visible is not None:
        query = query.where(Programme.id.in_(visible))
    return query


def volunteer_hours_per_programme(user: User | None, period: DateRange) -> Figure:
    """Approved volunteer hours per programme over the range; two queries. `user` None is
    the county bureau's monthly statistics: every programme, exact."""
    rows = db.session.execute(
        _served(
            user,
            period,
            Programme.name,
            func.count(func.distinct(HoursEntry.volunteer_id)),
            func.count(func.distinct(HoursEntry.shift_id)),
            func.coalesce(func.sum(HoursEntry.minutes), 0),
        )
        .group_by(Programme.id, Programme.name)
        .order_by(Programme.name)
    ).all()
    cells = [
        Cell(str(name), int(people), (int(shifts), int(m))) for name, people, shifts, m in rows
    ]
    # A volunteer may serve two programmes: the cells overlap, volunteers are counted apart.
    total_people = int(
        db.session.scalar(_served(user, period, func.count(func.distinct(HoursEntry.volunteer_id))))
        or 0
    )
    notes = [gettext("Approved hours of the shifts that began in the range.")]
    if user is not None and not user.has_role(Role.ADMIN, Role.AUDITOR):
        merged = gettext(
            "Programmes counting fewer than 3 volunteers are merged into “Other"
            " programmes”, with the next smallest one, so that no one can be singled out."
        )
        shown = hide_small_cells(cells, notes, merged, other_key=OTHER, total_people=total_people)
        cells = list(shown.cells)
        total_people = shown.total_people or 0
    label = {OTHER: gettext("Other programmes")}
    return Figure(
        label_header=gettext("Programme"),
        labels=tuple(label.get(cell.key, cell.key) for cell in cells),
        series=(
            Series(gettext("Hours served"), tuple(tenths_of_hours(c.values[1]) for c in cells)),
        ),
        unit=Unit.TENTH_HOURS,
        columns=(
            Column(gettext("Volunteers"), Unit.COUNT, tuple(c.people for c in cells)),
            Column(gettext("Shifts"), Unit.COUNT, tuple(c.values[0] for c in cells)),
        ),
        notes=tuple(notes),
        suppressed=not cells and bool(rows),
        totals=(
            sum(tenths_of_hours(c.values[1]) for c in cells),
            total_people,
            sum(c.values[0] for c in cells),
        )
        if cells
        else None,
    )


def monthly_sheet(month: DateRange) -> Sheet:
    """The month's volunteer hours per programme, for the county bureau (exact)."""
    title = gettext("Volunteer hours per programme")
    return figure_sheet(title, volunteer_hours_per_programme(None, month))


def sections() -> list[ReportSection]:
    return [
        ReportSection(
            "volunteer-hours",
            _l("Volunteer hours per programme"),
            _l("Volunteers"),
            STAFF,
            volunteer_hours_per_programme,
            order=80,
            description=_l("Hours volunteers served, approved by the coordinators."),
        )
    ]
