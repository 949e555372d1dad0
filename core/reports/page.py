"""The read models of `/reports`: every section the viewer may see over a date range, one
section alone, and one section's chart.

Reading figures writes nothing (no audit entry: they are counts and sums, no record is
viewed). A bad date is never an error page: the page says what is wrong, in the
viewer's language, and shows the default range; a chart asked for with a bad range
answers ValidationFailed (the view turns it into 400).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.errors import NotFound, ValidationFailed
from core.export import Cell, Export, ExportFormat, Sheet, Stamp, write_table, write_workbook
from core.reports.charts import render_svg
from core.reports.figures import DateRange, Figure, default_range, parse_range
from core.timeutil import local_today, to_local
from core.users import User
from core.wings import ReportSection


@dataclass(frozen=True)
class Shown:
    section: ReportSection
    figure: Figure


@dataclass(frozen=True)
class ReportPage:
    period: DateRange
    error: str | None  # what was wrong with the dates asked, in words
    shown: list[Shown]


def _period(raw_from: str, raw_to: str) -> tuple[DateRange, str | None]:
    today = local_today()
    try:
        return parse_range(raw_from, raw_to, today), None
    except ValidationFailed as error:
        return default_range(today), gettext(error.message, **error.params)


def _visible(user: User, sections: Sequence[ReportSection]) -> list[ReportSection]:
    found = sorted(
        (section for section in sections if user.has_role(*section.roles)),
        key=lambda section: section.order,
    )
    if not found:
        raise NotFound("There is no such page or record.")
    return found


def report_page(
    user: User, sections: Sequence[ReportSection], raw_from: str, raw_to: str
) -> ReportPage:
    """Every section `user` may see, built over the range asked (the default one, with the
    reason, when the dates are bad). NotFound when no section is for the user's role."""
    visible = _visible(user, sections)
    period, error = _period(raw_from, raw_to)
    return ReportPage(period, error, [Shown(s, s.build(user, period)) for s in visible])


def _section(user: User, sections: Sequence[ReportSection], key: str) -> ReportSection:
    for section in _visible(user, sections):
        if section.key == key:
            return section
    raise NotFound("There is no such page or record.")


def section_page(
    user: User, sections: Sequence[ReportSection], key: str, raw_from: str, raw_to: str
) -> ReportPage:
    """One section alone, with its own range."""
    section = _section(user, sections, key)
    period, error = _period(raw_from, raw_to)
    return ReportPage(period, error, [Shown(section, section.build(user, period))])


def section_chart(
    user: User, sections: Sequence[ReportSection], key: str, raw_from: str, raw_to: str
) -> bytes:
    """One section's chart as SVG; ValidationFailed on a bad range."""
    section = _section(user, sections, key)
    period = parse_range(raw_from, raw_to, local_today())
    figure = section.build(user, period)
    return render_svg(figure, str(section.title), gettext("Nothing to show in this range."))


def figure_sheet(title: str, figure: Figure) -> Sheet:
    """A figure's table as a sheet: its rows as the page writes them, the total row, and
    the notes under it."""
    rows: list[list[Cell]] = [list(row) for row in figure.rows]
    if figure.total_row is not None:
        rows.append([gettext("Total"), *figure.total_row])
    return Sheet(title, figure.headers, rows, list(figure.notes))


def section_export(
    user: User,
    sections: Sequence[ReportSection],
    key: str,
    raw_from: str,
    raw_to: str,
    fmt: ExportFormat,
    *,
    ip: str | None = None,
) -> Export:
    """One section's table as CSV or XLSX, for people: the headers, values and total as
    the page writes them (amounts in yuan), the notes under the table; stamped with who
    exported it and when (the XLSX's first rows, both files' names) and audited.
    ValidationFailed on a bad range. A figure counts and sums, it names no one, so an
    export is never a reveal."""
    section = _section(user, sections, key)
    period = parse_range(raw_from, raw_to, local_today())
    figure = section.build(user, period)
    now = utcnow()
    title = str(section.title)
    stamp = Stamp(
        title=title,
        username=user.username,
        exported_at=now,
        lines=[
            (gettext("Exported by"), user.display_name),
            (gettext("Exported at"), to_local(now).strftime("%Y-%m-%d %H:%M")),
            (gettext("Dates"), f"{period.start.isoformat()} – {period.end.isoformat()}"),
        ],
    )
    sheet = figure_sheet(title, figure)
    name = f"report-{section.key}_{period.start.strftime('%Y%m%d')}-{period.end.strftime('%Y%m%d')}"
    if fmt is ExportFormat.XLSX:
        export = write_workbook(name, [sheet], stamp)
    else:
        export = write_table(name, sheet.headers, sheet.rows, fmt, stamp=stamp)
    audit.record(
        Actor(user.id, user.username, ip),
        AuditAction.REPORT_EXPORT,
        "report",
        section.key,
        format=fmt.value,
        start=period.start.isoformat(),
        end=period.end.isoformat(),
        rows=len(figure.rows),
    )
    db.session.commit()
    return export
