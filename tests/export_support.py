"""Reading an exported file in a test: the CSV's rows, or the XLSX's first sheet."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import load_workbook


def csv_rows(answer: Any) -> list[list[str]]:
    """The rows of a CSV download (UTF-8 with a BOM); fails unless it answered 200."""
    assert answer.status_code == 200, answer.status_code
    return list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))


def xlsx_rows(answer: Any) -> list[list[Any]]:
    """The rows of an XLSX download's first sheet, stamp rows included."""
    assert answer.status_code == 200, answer.status_code
    sheet = load_workbook(io.BytesIO(answer.data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]
