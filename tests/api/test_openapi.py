"""The OpenAPI document: valid OpenAPI 3, covering every route, and a schemathesis fuzz run
against the in-process app (inside the rolled-back transaction) with a real donor's token.

The fuzz answers are checked here (no 5xx, documented statuses, content types and
schemas) and are not added to the privacy scan's record: they echo generated text.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import UNIT_WEBHOOK_SECRET
from tests.api.support import API, MpApi, pay
from tests.donations.factories import list_need, make_project
from tests.factories import Office

DOCUMENT = API + "/openapi.json"
EXAMPLES = 25
NEGATIVE_EXAMPLES = 10


def test_the_document_is_openapi_3_and_loads_in_schemathesis(api: MpApi, app: Flask) -> None:
    document = api.get("/openapi.json").expect(200)
    assert document["openapi"].startswith("3.")
    assert document["servers"] == [{"url": API}]
    schema = schemathesis.openapi.from_wsgi(DOCUMENT, app)
    # An operation that does not load is an Err, left out, so the count comes short.
    results = schema.get_all_operations()
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) == sum(len(methods) for methods in document["paths"].values())


def test_every_route_of_the_api_is_documented(api: MpApi, app: Flask) -> None:
    document = api.get("/openapi.json").expect(200)
    documented = {
        (path, method.upper()) for path, methods in document["paths"].items() for method in methods
    }
    served = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API) or rule.rule == DOCUMENT:
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule.removeprefix(API))
        served |= {(path, method) for method in rule.methods or () if method in _VERBS}
    assert served == documented


_VERBS = {"GET", "POST", "PATCH", "PUT", "DELETE"}


def _fuzz_world(api: MpApi, office: Office, client: FlaskClient) -> tuple[str, dict[str, str]]:
    """A donor with a token, and real ids that generated requests sometimes use."""
    project = make_project()
    need = list_need(office, project, 500_000)
    token = api.login()
    created = api.donate(token, {"project_id": project, "amount_fen": 10_000}).expect(201)
    pay(client, created, UNIT_WEBHOOK_SECRET)
    return token, {
        "project_id": project,
        "need_id": need,
        "donation_id": created["donation"]["id"],
    }


def _use_real_ids(case: Any, real: dict[str, str]) -> None:
    for name in list(case.path_parameters or {}):
        if name in real:
            case.path_parameters[name] = real[name]
    if isinstance(case.body, dict):
        for name in ("project_id", "need_id"):
            if name in case.body:
                case.body[name] = real[name]


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.mark.parametrize(
    ("mode", "examples"),
    [(GenerationMode.POSITIVE, EXAMPLES), (GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES)],
    ids=["positive", "negative"],
)
def test_generated_requests_never_get_a_server_error_and_match_the_document(
    api: MpApi,
    office: Office,
    client: FlaskClient,
    app: Flask,
    mode: GenerationMode,
    examples: int,
) -> None:
    token, real = _fuzz_world(api, office, client)
    schema = schemathesis.openapi.from_wsgi(DOCUMENT, app)
    operations = sorted(
        # Every operation loads (test_the_document_is_openapi_3_and_loads_in_schemathesis).
        (result.ok() for result in schema.get_all_operations() if isinstance(result, Ok)),
        # DELETE /me last: once it ran, the donor's token is void.
        key=lambda op: (op.method.upper() == "DELETE", op.path, op.method),
    )
    exercised: list[str] = []
    for operation in operations:
        if mode == GenerationMode.NEGATIVE and not (
            operation.body or list(operation.iter_parameters())
        ):
            continue  # nothing to get wrong (GET /privacy)
        strategy = operation.as_strategy(generation_mode=mode)
        # Positive requests carry the donor's token; negative ones sometimes keep the
        # generated (broken) Authorization header instead.
        authed = st.just(True) if mode == GenerationMode.POSITIVE else st.booleans()

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy, use_real=st.booleans(), with_token=authed)
        def run(case: Any, use_real: bool, with_token: bool) -> None:
            if use_real:
                _use_real_ids(case, real)
            headers = {"Authorization": f"Bearer {token}"} if with_token else {}
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)

        try:
            run()
        except Unsatisfiable:
            # Only a string path parameter: no request is invalid by the document.
            assert mode == GenerationMode.NEGATIVE, operation.label
            continue
        exercised.append(operation.label)
    assert len(exercised) >= (14 if mode == GenerationMode.POSITIVE else 8), exercised


def test_every_error_code_the_api_can_answer_is_in_the_document(api: MpApi) -> None:
    """The codes raised by the API's edge, mapped from HTTP errors, and carried by the
    wing's errors all appear in the Error schema's enum (answers are checked against
    it at the end of a run, so an undocumented code also fails there)."""
    import ast
    from pathlib import Path

    from donations.api import errors
    from donations.errors import DonationError, RefundRefused

    document = api.get("/openapi.json").expect(200)
    schema = document["components"]["schemas"]["Error"]["properties"]["error"]
    listed = set(schema["properties"]["code"]["enum"])

    raised = set(errors.HTTP_CODES.values()) | {"error"}
    api_dir = Path(errors.__file__).parent
    for path in api_dir.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "ApiError"
                and isinstance(node.args[1], ast.Constant)
            ):
                raised.add(str(node.args[1].value))
    pending: list[type[DonationError]] = [DonationError]
    while pending:
        kind = pending.pop()
        pending += kind.__subclasses__()
        # Refunds are a staff action of the portal, never an answer of the API.
        if kind is not RefundRefused:
            raised.add(kind.code)
    assert raised - listed == set()
    assert listed - raised == set(), "listed codes nothing raises"
