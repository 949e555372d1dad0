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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

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


def neutralise(value: Cell) -> Cell:
    """The cell as a spreadsheet must store it: a formula-like string is made text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_table(
    name: str, headers: Sequence[str], rows: Iterable[Sequence[Cell]], fmt: ExportFormat
) -> Export:
    """`name`.csv (UTF-8 with a BOM) or `name`.xlsx (one sheet), every cell neutralised."""
    if fmt is ExportFormat.XLSX:
        return Export(f"{name}.xlsx", XLSX_MIMETYPE, _xlsx(name, headers, rows))
    return Export(f"{name}.csv", "text/csv", _csv(headers, rows))


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


def _xlsx(name: str, headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    # Write-only: rows stream to the file instead of a whole workbook held in memory.
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=name[:31])
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=_xlsx_cell(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_xlsx_cell(value) for value in row])
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
