"""Tables exported for spreadsheets: CSV or XLSX, from headers and rows.

Every wing's exports go through here so that none of them can hand a spreadsheet a
live formula. A cell that starts with = + - @, a tab or a carriage return is read by
Excel and LibreOffice as a formula (CSV injection: `=HYPERLINK(...)` in a project
title would become a link that leaks data when clicked), so such strings get a
leading apostrophe in both formats. Numbers are never touched: they stay numbers.
"""

from __future__ import annotations

import csv
import enum
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from core.timeutil import to_local

Cell = str | int | bool | None

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel needs the byte-order mark to read a CSV as UTF-8 rather than the ANSI code page.
BOM = "\ufeff"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExportFormat(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


@dataclass(frozen=True)
class Export:
    """A file ready to download."""

    filename: str
    mimetype: str
    body: bytes


@dataclass(frozen=True)
class Stamp:
    """Who exported a file and when: written above the table of an XLSX (title, then one
    row per line) and into the file's name. A CSV keeps one header row, so the name alone
    says who and when (a CSV another system imports takes no stamp at all)."""

    title: str
    username: str  # in the file name: ASCII
    exported_at: datetime
    # (label, value) rows under the title: exported by, at, filters...
    lines: Sequence[tuple[str, str]] = ()


@dataclass(frozen=True)
class Sheet:
    """One table of a workbook."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    # Sentences under the table: how a figure is counted, what was merged.
    notes: Sequence[str] = field(default_factory=tuple)


_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def stamped_name(name: str, stamp: Stamp | None) -> str:
    """`name_username_20261105-1432` (Shanghai time), only safe characters."""
    if stamp is None:
        return name
    moment = to_local(stamp.exported_at).strftime("%Y%m%d-%H%M")
    return _UNSAFE_NAME.sub("-", f"{name}_{stamp.username}_{moment}")


def neutralise(value: Cell) -> Cell:
    """The cell as a spreadsheet must store it: a formula-like string is made text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_table(
    name: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    fmt: ExportFormat,
    *,
    stamp: Stamp | None = None,
) -> Export:
    """`name`.csv (UTF-8 with a BOM) or `name`.xlsx (one sheet), every cell neutralised.

    With a `stamp`, the XLSX starts with who exported it and when, and the file's name
    carries both."""
    filename = stamped_name(name, stamp)
    if fmt is ExportFormat.XLSX:
        return Export(f"{filename}.xlsx", XLSX_MIMETYPE, _xlsx(name, headers, rows, stamp))
    return Export(f"{filename}.csv", "text/csv", _csv(headers, rows))


def write_workbook(name: str, sheets: Sequence[Sheet], stamp: Stamp) -> Export:
    """An XLSX of several tables, each on its sheet under the stamp, notes below it."""
    book = Workbook(write_only=True)
    for sheet in sheets:
        _write_sheet(book, sheet.title, sheet.headers, sheet.rows, stamp, sheet.notes)
    out = io.BytesIO()
    book.save(out)
    return Export(f"{stamped_name(name, stamp)}.xlsx", XLSX_MIMETYPE, out.getvalue())


def _csv(headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(header) for header in headers])
    writer.writerows([neutralise(value) for value in row] for row in rows)
    return (BOM + out.getvalue()).encode("utf-8")


def _xlsx_cell(value: Cell) -> Cell:
    # XML cannot carry most control characters (openpyxl refuses them); they go
    # before neutralising, so that "\x01=..." cannot turn into a live "=...".
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return neutralise(value)


_SHEET_TITLE = re.compile(r"[\\/?*\[\]:]")


def _write_sheet(
    book: Workbook,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    stamp: Stamp | None,
    notes: Sequence[str] = (),
) -> None:
    sheet = book.create_sheet(title=_SHEET_TITLE.sub("-", title)[:31] or "sheet")
    bold = Font(bold=True)

    def strong(value: Cell) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=_xlsx_cell(value))
        cell.font = bold
        return cell

    if stamp is not None:
        sheet.append([strong(stamp.title)])
        for label, value in stamp.lines:
            sheet.append([_xlsx_cell(label), _xlsx_cell(value)])
        sheet.append([])
    sheet.append([strong(header) for header in headers])
    for row in rows:
        sheet.append([_xlsx_cell(value) for value in row])
    if notes:
        sheet.append([])
        for note in notes:
            sheet.append([_xlsx_cell(note)])


def _xlsx(
    name: str, headers: Sequence[str], rows: Iterable[Sequence[Cell]], stamp: Stamp | None
) -> bytes:
    # Write-only: rows stream to the file instead of a whole workbook held in memory.
    book = Workbook(write_only=True)
    _write_sheet(book, name, headers, rows, stamp)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download(export: Export) -> Response:
    """The export as an attachment."""
    return Response(
        export.body,
        mimetype=export.mimetype,
        headers={"Content-Disposition": f"attachment; filename={export.filename}"},
    )
