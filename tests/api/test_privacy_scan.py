"""The scanner that reads every donor-facing answer of a whole run (tests/api/answer_checks.py)
finds what it looks for, and leaves opaque identifiers alone."""

from __future__ import annotations

import json

from tests.api.answer_checks import XLSX, findings, readable_text
from tests.api.support import Recorded
from tests.factories import People


def test_the_scanner_finds_a_name_phone_and_id_number_in_an_answer() -> None:
    name = "司徒文静"
    planted = Recorded(
        "self-check",
        "GET",
        "/x",
        200,
        "application/json",
        json.dumps({"story": f"{name}，电话 139 0000 0000，身份证 440783198503140011"}).encode(),
    )
    text = readable_text(planted)
    assert text is not None
    assert f"name {name}" in findings(text, People(names={name}))
    assert findings("联系 13900000000 或 44078319850314001X", People()) == [
        "ID number 44078319850314001X",
        "mobile 13900000000",
    ]


def test_the_scanner_passes_over_opaque_identifiers() -> None:
    assert findings("9b2f0c1e-1399-4181-1531-139941811530 pi_13994181153x", People()) == []


def test_images_are_not_read_as_text() -> None:
    image = Recorded("self-check", "GET", "/x.png", 200, "image/png", b"\x89PNG 13900000000")
    assert readable_text(image) is None


def test_a_workbook_is_read_cell_by_cell() -> None:
    from core.export import ExportFormat, write_table

    book = write_table(
        "t", ["镇街", "金额"], [["赤坎镇", "司徒文静 13900000000"]], ExportFormat.XLSX
    )
    planted = Recorded("public", "GET", "/x", 200, XLSX, book.body)

    text = readable_text(planted)

    assert text is not None
    assert findings(text, People(names={"司徒文静"})) == ["mobile 13900000000", "name 司徒文静"]
