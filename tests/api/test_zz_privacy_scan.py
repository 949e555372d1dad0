"""Runs last in this directory: every donor-facing answer recorded by the tests before it
(in process and over real HTTP) is scanned for what donors must never see (DESIGN.md 3):
an ID-card number, a mobile number, or the name of any person the tests registered."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.api.support import PEOPLE, RECORDED, People, Recorded

ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
# Opaque identifiers (UUIDs, provider ids and secrets) are random and can hold a run
# of digits that looks like a phone number; they carry nothing about a person.
OPAQUE = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"|\b(?:pi|ch|re|evt|we|pm)_[A-Za-z0-9_]+"
)
HERE = Path(__file__).resolve().parent
LAST_MODULES = {"test_zz_privacy_scan.py", "test_zz_recorded_answers_match_openapi.py"}


def readable_text(record: Recorded) -> str | None:
    """The body as a person would read it: JSON decoded, so that \\uXXXX escapes of
    Chinese text are scanned as the characters they stand for. None for images."""
    if record.content_type.startswith("image/"):
        return None
    text = record.body.decode("utf-8")
    if record.content_type.startswith("application/json") and text.strip():
        return json.dumps(json.loads(text), ensure_ascii=False)
    return text


def findings(text: str, people: People = PEOPLE) -> list[str]:
    text = OPAQUE.sub(" ", text)
    found = [f"ID number {m}" for m in ID_NUMBER.findall(text)]
    found += [f"mobile {m}" for m in MOBILE.findall(text)]
    found += [f"name {name}" for name in sorted(people.names) if name in text]
    found += [f"phone {p}" for p in sorted(people.phones) if p in text]
    found += [f"ID {n}" for n in sorted(people.id_numbers) if n in text]
    return found


def modules_in_session(request: pytest.FixtureRequest) -> set[str]:
    return {
        Path(str(item.path)).name
        for item in request.session.items
        if Path(str(item.path)).parent == HERE
    } - LAST_MODULES


def test_the_scanner_finds_what_it_looks_for() -> None:
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
    assert findings("9b2f0c1e-1399-4181-1531-139941811530 pi_13994181153x") == []
    assert findings("联系 13900000000 或 44078319850314001X") == [
        "ID number 44078319850314001X",
        "mobile 13900000000",
    ]


def test_no_donor_facing_answer_shows_a_persons_id_phone_or_name(
    request: pytest.FixtureRequest,
) -> None:
    modules = modules_in_session(request)
    if modules:
        # Run with the other modules, there must be something to scan.
        assert RECORDED and PEOPLE.names
    if "test_journey_live.py" in modules:
        assert "live" in {r.via for r in RECORDED}
    leaks = []
    for record in RECORDED:
        text = readable_text(record)
        if text is None:
            continue
        for finding in findings(text):
            leaks.append(f"{record.via} {record.method} {record.path} {record.status}: {finding}")
    assert leaks == []
