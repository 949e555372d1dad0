"""The export writer: CSV that Excel reads as UTF-8, XLSX, and never a live formula."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from core.export import BOM, ExportFormat, write_table

HYPERLINK = '=HYPERLINK("http://x","y")'
DANGEROUS = [HYPERLINK, "+1+2", "-3+4", "@SUM(A1)", "\t=1+1", "\r=1+1"]
HEADERS = ["title", "amount_fen", "paid"]


def table(fmt: ExportFormat) -> list[list[object]]:
    rows: list[list[str | int | bool | None]] = [[value, -500, True] for value in DANGEROUS]
    rows.append(["开平市慈善会", 12_300, False])
    export = write_table("donations", HEADERS, rows, fmt)
    if fmt is ExportFormat.CSV:
        text = export.body.decode("utf-8")
        assert text.startswith(BOM)
        return [list(row) for row in csv.reader(io.StringIO(text.removeprefix(BOM)))]
    sheet = load_workbook(io.BytesIO(export.body)).active
    for row in sheet.iter_rows(min_row=2):
        # A string cell, not a formula cell ("f").
        assert row[0].data_type == "s"
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_every_formula_like_string_is_neutralised(fmt):
    rows = table(fmt)

    expected = ["'" + value for value in DANGEROUS] + ["开平市慈善会"]
    if fmt is ExportFormat.XLSX:
        # XML reads a carriage return back as a line feed; the apostrophe is what counts.
        expected = [value.replace("\r", "\n") for value in expected]
    assert rows[0] == HEADERS
    assert [row[0] for row in rows[1:]] == expected


def test_numbers_stay_numbers_in_xlsx_and_unquoted_in_csv():
    xlsx, csv_rows = table(ExportFormat.XLSX), table(ExportFormat.CSV)

    assert [row[1:] for row in xlsx[-2:]] == [[-500, True], [12_300, False]]
    assert [row[1:] for row in csv_rows[-2:]] == [["-500", "True"], ["12300", "False"]]


def test_xlsx_drops_control_characters_before_neutralising():
    export = write_table("t", ["v"], [["\x01=1+1"]], ExportFormat.XLSX)
    cell = load_workbook(io.BytesIO(export.body)).active["A2"]

    assert (cell.data_type, cell.value) == ("s", "'=1+1")


def test_files_are_named_and_typed_for_their_format():
    csv_file = write_table("journal", ["a"], [], ExportFormat.CSV)
    xlsx_file = write_table("journal", ["a"], [], ExportFormat.XLSX)

    assert (csv_file.filename, csv_file.mimetype) == ("journal.csv", "text/csv")
    assert xlsx_file.filename == "journal.xlsx"
    assert xlsx_file.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert xlsx_file.body.startswith(b"PK")
