"""What every donor-facing answer must be, checked over all the answers a whole run recorded.

`MpApi` (tests/api/support.py) records every answer of `/api/mp/v1`, in process
and over real HTTP, and the factories remember the name, phone and ID number of
every person they register (tests/factories.py). At the end of a whole run (tests/session_checks.py)
each recorded answer is scanned for what donors must never see (docs/privacy.md):
an ID-card number, a mobile number, or the name of any registered person; and
each is checked against the OpenAPI document: a status the document lists for
its operation, a body valid for the documented schema (JSON Schema 2020-12, as
OpenAPI 3.1 uses).
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

import jsonschema_rs
from openpyxl import load_workbook

from donations.api.openapi import document
from tests.api.support import RECORDED, Recorded
from tests.factories import PEOPLE, People
from tests.session_checks import PUBLIC_ANSWERS, Verdict, session_check

# -- identity in an answer ----------------------------------------------------------------------

ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
# Opaque identifiers (UUIDs, provider ids and secrets) are random and can hold a run
# of digits that looks like a phone number; they carry nothing about a person.
OPAQUE = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"|\b(?:pi|ch|re|evt|we|pm)_[A-Za-z0-9_]+"
)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def readable_text(record: Recorded) -> str | None:
    """The body as a person would read it: JSON decoded, so that \\uXXXX escapes of
    Chinese text are scanned as the characters they stand for; a workbook's cells, every
    sheet. None for images."""
    if record.content_type.startswith("image/"):
        return None
    if record.content_type.startswith(XLSX):
        book = load_workbook(io.BytesIO(record.body), read_only=True)
        return "\n".join(
            " ".join("" if value is None else str(value) for value in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
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


def public_answers() -> list[Recorded]:
    """The public pages' answers (the charity's disclosure), as the tests recorded them."""
    return [
        Recorded("public", "GET", path, status, content_type, body)
        for path, status, content_type, body in PUBLIC_ANSWERS
    ]


@session_check("donor-facing answers show no identity")
def no_answer_shows_a_persons_id_phone_or_name() -> Verdict:
    problems = []
    public = public_answers()
    if not RECORDED or not PEOPLE.names:
        problems.append("the API tests recorded no answers, or registered nobody, to scan")
    if "live" not in {record.via for record in RECORDED}:
        problems.append("no answer over real HTTP was recorded (tests/api/test_journey_live.py)")
    if not {record.content_type.split(";")[0] for record in public} >= {
        "text/html",
        "text/csv",
        XLSX,
    }:
        problems.append(
            "no disclosure page, CSV and XLSX were recorded (tests/donations/test_disclosure.py)"
        )
    for record in [*RECORDED, *public]:
        text = readable_text(record)
        if text is None:
            continue
        for finding in findings(text):
            problems.append(
                f"{record.via} {record.method} {record.path} {record.status}: {finding}"
            )
    return Verdict(
        f"{len(RECORDED)} API answers and {len(public)} public pages and files scanned"
        f" for {len(PEOPLE.names)} people",
        problems,
    )


# -- an answer against the OpenAPI document -----------------------------------------------------


class Operations:
    """The document's operations, found by method and concrete path."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.routes = [
            (re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"), path)
            for path in doc["paths"]
        ]
        self._validators: dict[str, Any] = {}

    def find(self, method: str, path: str) -> dict[str, Any] | None:
        for pattern, template in self.routes:
            if pattern.match(path):
                operation: dict[str, Any] | None = self.doc["paths"][template].get(method.lower())
                return operation
        return None

    def validator(self, schema: dict[str, Any]) -> Any:
        key = json.dumps(schema, sort_keys=True)
        if key not in self._validators:
            rooted = {**schema, "components": self.doc["components"]}
            self._validators[key] = jsonschema_rs.Draft202012Validator(
                rooted, validate_formats=True
            )
        return self._validators[key]


def problems_with(record: Recorded, operations: Operations) -> list[str]:
    operation = operations.find(record.method, record.path)
    if operation is None:
        # Not an operation of the API (a wrong path or method): still the error object.
        if record.status not in (404, 405):
            return [f"undocumented call answered {record.status}"]
        error = json.loads(record.body)
        return [] if set(error) == {"error"} else ["not the error object"]
    response = operation["responses"].get(str(record.status))
    if response is None:
        return [f"status {record.status} is not documented"]
    content = response.get("content")
    if not content:
        return [] if not record.body else ["a body where none is documented"]
    media = record.content_type.split(";")[0].strip()
    if media not in content:
        return [f"content type {media} is not documented"]
    if media != "application/json":
        return []
    validator = operations.validator(content[media]["schema"])
    return [str(error).splitlines()[0] for error in validator.iter_errors(json.loads(record.body))]


@session_check("answers match the OpenAPI document")
def every_recorded_answer_matches_the_document() -> Verdict:
    operations = Operations(document())
    mismatches: dict[str, int] = {}
    for record in RECORDED:
        if record.path == "/openapi.json":
            continue  # the document itself
        for problem in problems_with(record, operations):
            key = f"{record.method} {record.path} {record.status}: {problem}"
            mismatches[key] = mismatches.get(key, 0) + 1
    problems = [f"{key} (x{times})" for key, times in sorted(mismatches.items())]
    if not RECORDED:
        problems.append("the API tests recorded no answers to check")
    return Verdict(f"{len(RECORDED)} answers checked against the document", problems)
