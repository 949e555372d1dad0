"""The check that holds every recorded answer against the OpenAPI document
(tests/api/answer_checks.py) reads the document the API serves, and catches a wrong answer."""

from __future__ import annotations

import json

from donations.api.openapi import document
from tests.api.answer_checks import Operations, problems_with
from tests.api.support import MpApi, Recorded


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


def test_a_wrong_path_must_still_answer_the_error_object() -> None:
    operations = Operations(document())
    plain = Recorded("self-check", "GET", "/nowhere", 404, "text/html", b'{"detail": "x"}')
    assert problems_with(plain, operations) == ["not the error object"]
