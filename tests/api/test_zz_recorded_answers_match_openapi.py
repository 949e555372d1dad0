"""Runs after the others: every answer they recorded from `/api/mp/v1` (in process and over
real HTTP) has a status the OpenAPI document lists for its operation, and a body that
validates against the documented schema (JSON Schema 2020-12, as OpenAPI 3.1 uses)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from donations.api.openapi import document
from tests.api.support import RECORDED, MpApi, Recorded

HERE = Path(__file__).resolve().parent
LAST_MODULES = {"test_zz_privacy_scan.py", "test_zz_recorded_answers_match_openapi.py"}


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


def test_served_document_is_the_one_checked_against(api: MpApi) -> None:
    assert api.get("/openapi.json").expect(200) == json.loads(json.dumps(document()))


def test_a_wrong_answer_would_be_caught() -> None:
    operations = Operations(document())
    wrong = Recorded("self-check", "GET", "/needs/abc", 200, "application/json", b'{"id": "abc"}')
    assert problems_with(wrong, operations)
    undocumented = Recorded(
        "self-check", "GET", "/needs/abc", 418, "application/json", b'{"error": {}}'
    )
    assert problems_with(undocumented, operations) == ["status 418 is not documented"]


def test_every_recorded_answer_matches_the_document(request: pytest.FixtureRequest) -> None:
    ran = {
        Path(str(item.path)).name
        for item in request.session.items
        if Path(str(item.path)).parent == HERE
    } - LAST_MODULES
    if ran:
        assert RECORDED, "the other modules recorded no answers to check"
    operations = Operations(document())
    mismatches: dict[str, int] = {}
    for record in RECORDED:
        if record.path == "/openapi.json":
            continue  # the document itself
        for problem in problems_with(record, operations):
            key = f"{record.method} {record.path} {record.status}: {problem}"
            mismatches[key] = mismatches.get(key, 0) + 1
    assert mismatches == {}
