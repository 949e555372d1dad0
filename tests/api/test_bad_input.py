"""Bad input and broken rules answer 4xx with the error object (docs/api.md), never 500."""

from __future__ import annotations

import base64
import time
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner

from core.timeutil import local_today
from donations.projects.models import ProjectStatus
from donations.projects.services import set_project_status
from tests.api.conftest import UNIT_WEBHOOK_SECRET
from tests.api.support import MpApi, new_key, new_name, pay
from tests.donations.factories import list_need, make_project
from tests.factories import Office, make_admin

TOKEN_SALT = "mp-donor-token"


def gift(project_id: str, amount_fen: int = 1000, **extra: Any) -> dict[str, Any]:
    return {"project_id": project_id, "amount_fen": amount_fen, **extra}


# -- the body of POST /donations ----------------------------------------------------------


@pytest.mark.parametrize(
    "amount",
    [0, -100, 1.5, "100", 10**15, True, None, [100], {"fen": 100}],
    ids=["zero", "negative", "fraction", "string", "huge", "boolean", "null", "list", "object"],
)
def test_donation_amount_that_is_not_a_positive_integer_is_refused(api: MpApi, amount: Any) -> None:
    project = make_project()
    token = api.login()
    reply = api.donate(token, {"project_id": project, "amount_fen": amount})
    assert reply.status == 400
    assert reply.error_code == "invalid_field"


def test_amounts_outside_the_projects_rules_break_the_limit_rule(api: MpApi) -> None:
    project = make_project(min_fen=500, max_fen=2000, daily_max_fen=10_000)
    token = api.login()
    for amount in (499, 2001):
        reply = api.donate(token, gift(project, amount))
        assert (reply.status, reply.error_code) == (422, "limit_exceeded")
        assert reply.error_message == "一笔捐款须在 5.00 元至 20.00 元之间。"
    assert api.donate(token, gift(project, 500)).status == 201


def test_errors_of_the_edge_and_of_http_are_in_chinese(api: MpApi) -> None:
    project = make_project()
    token = api.login()

    unknown = api.donate(token, {**gift(project), "colour": "red"})
    missing = api.get("/no-such-thing")

    assert (unknown.status, unknown.error_code) == (400, "invalid_field")
    assert unknown.error_message == "未知字段：colour。"
    assert (missing.status, missing.error_code, missing.error_message) == (
        404,
        "not_found",
        "未找到。",
    )


def test_unknown_project_and_needs_are_refused_as_bad_fields(api: MpApi, office: Office) -> None:
    project = make_project()
    other = make_project()
    foreign_need = list_need(office, other, 10_000)
    token = api.login()
    cases = [
        gift("00000000-0000-0000-0000-000000000000"),
        gift(project, need_id="00000000-0000-0000-0000-000000000000"),
        gift(project, need_id=foreign_need),
    ]
    for body in cases:
        reply = api.donate(token, body)
        assert (reply.status, reply.error_code) == (400, "invalid_field"), body
    assert api.donate(token, gift(other, need_id=foreign_need)).status == 201


def test_a_draft_project_takes_no_donations(api: MpApi) -> None:
    project = make_project()
    set_project_status(make_admin(), project, ProjectStatus.DRAFT)
    token = api.login()
    reply = api.donate(token, gift(project))
    assert (reply.status, reply.error_code) == (400, "invalid_field")
    assert api.get(f"/projects/{project}").status == 404


def test_message_longer_than_100_characters_is_refused(api: MpApi) -> None:
    project = make_project()
    token = api.login()
    reply = api.donate(token, gift(project, message="加油" * 50 + "!"))
    assert (reply.status, reply.error_code) == (400, "invalid_field")
    created = api.donate(token, gift(project, message="加油" * 50)).expect(201)
    assert created["donation"]["message"] == "加油" * 50


def test_empty_message_counts_as_none(api: MpApi) -> None:
    project = make_project()
    token = api.login()
    created = api.donate(token, gift(project, message="   ")).expect(201)
    assert created["donation"]["message"] is None
    assert created["donation"]["message_status"] is None


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b'{"project_id": "x", "amount_fen": ', "invalid_json"),
        (b"[1, 2, 3]", "invalid_json"),
        (b'"a string"', "invalid_json"),
        (b"null", "invalid_json"),
        (b"", "invalid_json"),
        (b"\xff\xfe not utf-8", "invalid_json"),
    ],
    ids=["malformed", "list", "string", "null", "empty", "not-utf8"],
)
def test_a_body_that_is_not_a_json_object_is_refused(api: MpApi, raw: bytes, code: str) -> None:
    token = api.login()
    reply = api.call("POST", "/donations", raw=raw, token=token, headers={"Idempotency-Key": "k-1"})
    assert (reply.status, reply.error_code) == (400, code)


def test_unknown_fields_and_wrong_types_are_refused(api: MpApi) -> None:
    project = make_project()
    token = api.login()
    for extra in (
        {"amount_yuan": 10},
        {"anonymous": "yes"},
        {"if_need_closes": "elsewhere"},
        {"message": 42},
        {"need_id": 7},
    ):
        reply = api.donate(token, gift(project, **extra))
        assert (reply.status, reply.error_code) == (400, "invalid_field"), extra


def test_idempotency_key_with_odd_characters_is_refused(api: MpApi) -> None:
    project = make_project()
    token = api.login()
    for key in ("has space", "x" * 129, "键"):
        reply = api.post("/donations", gift(project), token=token, headers={"Idempotency-Key": key})
        assert (reply.status, reply.error_code) == (400, "invalid_field"), key


# -- tokens -------------------------------------------------------------------------------


def _old_token(app: Flask, payload: dict[str, Any], age_s: int) -> str:
    class OldSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - age_s

    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=TOKEN_SALT, signer=OldSigner)
    return str(serializer.dumps(payload))


def test_missing_forged_and_expired_tokens_answer_401(api: MpApi, app: Flask) -> None:
    token = api.login()
    donor_id = api.patch("/me", {}, token=token).expect(200)["id"]
    forged = URLSafeTimedSerializer("not-the-secret", salt=TOKEN_SALT).dumps(
        {"d": donor_id, "g": 0}
    )
    expired = _old_token(app, {"d": donor_id, "g": 0}, app.config["MP_TOKEN_TTL_S"] + 60)
    still_fresh = _old_token(app, {"d": donor_id, "g": 0}, 60)
    attempts: list[dict[str, str]] = [
        {},
        {"Authorization": token},
        {"Authorization": "Basic " + token},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": f"Bearer {forged}"},
        {"Authorization": f"Bearer {expired}"},
        {"Authorization": f"Bearer {token[:-2]}xx"},
    ]
    for headers in attempts:
        for method, path in (("GET", "/me/donations"), ("PATCH", "/me"), ("DELETE", "/me")):
            body: dict[str, Any] | None = {} if method == "PATCH" else None
            reply = api.call(method, path, json_body=body, headers=headers)
            assert (reply.status, reply.error_code) == (401, "invalid_token"), (headers, path)
    assert api.get("/me/donations", token=still_fresh).status == 200


def test_the_token_lifetime_comes_from_configuration(
    api: MpApi, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = api.login()
    donor_id = api.patch("/me", {}, token=token).expect(200)["id"]
    ten_seconds_old = _old_token(app, {"d": donor_id, "g": 0}, 10)
    assert api.get("/me/donations", token=ten_seconds_old).status == 200
    monkeypatch.setitem(app.config, "MP_TOKEN_TTL_S", 5)
    reply = api.get("/me/donations", token=ten_seconds_old)
    assert (reply.status, reply.error_code) == (401, "invalid_token")
    assert api.get("/me/donations", token=token).status == 200


# -- login ----------------------------------------------------------------------------------


def test_a_login_code_works_once(api: MpApi) -> None:
    body = {"code": f"test-{new_name()}.once"}
    assert api.post("/auth/login", body).status == 200
    reply = api.post("/auth/login", body)
    assert (reply.status, reply.error_code) == (401, "invalid_code")


def test_unknown_login_code_is_invalid(api: MpApi) -> None:
    reply = api.post("/auth/login", {"code": "forged-code"})
    assert (reply.status, reply.error_code) == (401, "invalid_code")


def test_wechat_busy_answers_503_and_its_quota_429(api: MpApi) -> None:
    busy = api.post("/auth/login", {"code": "busy-x"})
    assert (busy.status, busy.error_code) == (503, "upstream_unavailable")
    limited = api.post("/auth/login", {"code": "limit-x"})
    assert (limited.status, limited.error_code) == (429, "rate_limited")


def test_login_with_bad_fields_is_refused(api: MpApi) -> None:
    for body in ({}, {"code": ""}, {"code": 5}, {"code": "test-x", "extra": 1}):
        reply = api.post("/auth/login", body)
        assert (reply.status, reply.error_code) == (400, "invalid_field"), body


def test_accepting_an_outdated_privacy_notice_is_refused(api: MpApi) -> None:
    reply = api.post("/auth/login", {"code": f"test-{new_name()}.1", "privacy_version": "1999-01"})
    assert (reply.status, reply.error_code) == (400, "invalid_field")


def test_donating_needs_the_current_privacy_notice_accepted(api: MpApi) -> None:
    project = make_project()
    name = new_name()
    token = api.login(name, accept=False)
    reply = api.donate(token, gift(project))
    assert (reply.status, reply.error_code) == (422, "privacy_not_accepted")
    accepted = api.login(name, accept=True)
    assert api.donate(accepted, gift(project)).status == 201


def test_a_new_privacy_notice_must_be_accepted_again(
    api: MpApi, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project()
    token = api.login()
    assert api.donate(token, gift(project)).status == 201
    monkeypatch.setitem(app.config, "PRIVACY_VERSION", "2099-01")
    assert api.get("/privacy").expect(200)["version"] == "2099-01"
    reply = api.donate(token, gift(project))
    assert (reply.status, reply.error_code) == (422, "privacy_not_accepted")
    assert api.patch("/me", {}, token=token).expect(200)["privacy_accepted"] is False


# -- the rules of giving --------------------------------------------------------------------


def test_a_gift_beyond_the_needs_remaining_amount_is_refused(
    api: MpApi, office: Office, client: FlaskClient
) -> None:
    project = make_project()
    need = list_need(office, project, 10_000)
    token = api.login()
    reply = api.donate(token, gift(project, 10_001, need_id=need))
    assert (reply.status, reply.error_code) == (422, "need_full")
    paid = api.donate(token, gift(project, 6_000, need_id=need)).expect(201)
    pay(client, paid, UNIT_WEBHOOK_SECRET)
    reply = api.donate(token, gift(project, 4_001, need_id=need))
    assert (reply.status, reply.error_code) == (422, "need_full")
    assert api.donate(token, gift(project, 4_000, need_id=need)).status == 201


def test_a_fully_funded_need_takes_no_designated_gift(
    api: MpApi, office: Office, client: FlaskClient
) -> None:
    project = make_project()
    need = list_need(office, project, 10_000)
    token = api.login()
    paid = api.donate(token, gift(project, 10_000, need_id=need)).expect(201)
    pay(client, paid, UNIT_WEBHOOK_SECRET)
    assert api.get(f"/needs/{need}").expect(200)["status"] == "funded"
    reply = api.donate(token, gift(project, 100, need_id=need))
    assert (reply.status, reply.error_code) == (422, "need_full")
    assert api.donate(token, gift(project, 100)).status == 201


def test_a_closed_or_not_yet_open_project_takes_no_gift(api: MpApi) -> None:
    closed = make_project()
    set_project_status(make_admin(), closed, ProjectStatus.CLOSED)
    later = make_project(starts_on=local_today() + timedelta(days=3))
    token = api.login()
    for project in (closed, later):
        reply = api.donate(token, gift(project))
        assert (reply.status, reply.error_code) == (422, "project_closed")


def test_the_daily_amount_limit_counts_pending_gifts(api: MpApi) -> None:
    project = make_project(max_fen=1_000, daily_max_fen=1_500)
    token = api.login()
    assert api.donate(token, gift(project, 1_000)).status == 201
    reply = api.donate(token, gift(project, 1_000))
    assert (reply.status, reply.error_code) == (422, "limit_exceeded")
    assert api.donate(token, gift(project, 500)).status == 201
    other_donor = api.login()
    assert api.donate(other_donor, gift(project, 1_000)).status == 201


def test_the_daily_count_limit(api: MpApi) -> None:
    project = make_project(daily_max_count=2)
    token = api.login()
    for _ in range(2):
        assert api.donate(token, gift(project)).status == 201
    reply = api.donate(token, gift(project))
    assert (reply.status, reply.error_code) == (422, "limit_exceeded")


def test_a_risky_message_is_rejected(api: MpApi) -> None:
    project = make_project()
    token = api.login()
    reply = api.donate(token, gift(project, message="这里有违禁内容"))
    assert (reply.status, reply.error_code) == (422, "message_rejected")
    assert api.get("/me/donations", token=token).expect(200)["data"] == []


def test_a_message_needing_review_is_taken_but_held(api: MpApi) -> None:
    project = make_project()
    token = api.login()
    held = api.donate(token, gift(project, message="请待审后展示")).expect(201)
    assert held["donation"]["message_status"] == "review"
    shown = api.donate(token, gift(project, message="祝早日康复")).expect(201)
    assert shown["donation"]["message_status"] == "visible"


# -- other calls ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/me/donations?cursor=not-a-cursor",
        "/me/donations?cursor=" + "QUJD",
        "/me/donations?limit=0",
        "/me/donations?limit=101",
        "/me/donations?limit=two",
        "/projects?cursor=not-a-cursor",
        "/projects?lat=22.3",
        "/projects?lat=91&lng=112",
        "/projects?lat=nan&lng=112",
        "/projects?lat=22&lng=inf",
        "/projects?lat=22&lng=112&radius_km=-1",
        "/impact?cursor=not-a-cursor",
        "/impact?limit=-1",
    ],
)
def test_bad_query_parameters_answer_400(api: MpApi, path: str) -> None:
    token = api.login()
    reply = api.get(path, token=token)
    assert (reply.status, reply.error_code) == (400, "invalid_field")


def test_subscriptions_take_known_template_ids_only(api: MpApi) -> None:
    token = api.login()
    bodies: list[dict[str, Any]] = [
        {"template_ids": []},
        {"template_ids": "tmpl_donation_succeeded"},
        {"template_ids": [""]},
        {"template_ids": [7]},
        {"template_ids": ["tmpl_unknown"]},
        {"template_ids": ["tmpl_donation_succeeded"] * 11},
    ]
    for body in bodies:
        reply = api.post("/me/subscriptions", body, token=token)
        assert (reply.status, reply.error_code) == (400, "invalid_field"), body
    ok = api.post("/me/subscriptions", {"template_ids": ["tmpl_donation_succeeded"]}, token=token)
    assert ok.expect(201) == {"recorded": 1}


def test_display_name_as_long_as_the_document_allows_and_no_longer(api: MpApi) -> None:
    # The document's maxLength counts the characters sent, surrounding spaces included:
    # a name the document calls too long is refused even if trimming would shorten it.
    document = api.get("/openapi.json").expect(200)
    body = document["paths"]["/me"]["patch"]["requestBody"]["content"]["application/json"]
    longest = body["schema"]["properties"]["display_name"]["maxLength"]
    token = api.login()
    for too_long in ("好" * (longest + 1), " " + "好" * longest, "好" * longest + " "):
        reply = api.patch("/me", {"display_name": too_long}, token=token)
        assert (reply.status, reply.error_code) == (400, "invalid_field"), repr(too_long)
    padded = " " + "好" * (longest - 2) + " "
    assert api.patch("/me", {"display_name": padded}, token=token).expect(200)[
        "display_name"
    ] == "好" * (longest - 2)


def test_display_name_longer_than_30_is_refused(api: MpApi) -> None:
    token = api.login()
    reply = api.patch("/me", {"display_name": "好" * 31}, token=token)
    assert (reply.status, reply.error_code) == (400, "invalid_field")
    assert (
        api.patch("/me", {"display_name": "好" * 30}, token=token).expect(200)["display_name"]
        == "好" * 30
    )


def test_unknown_paths_and_methods_answer_json_errors(api: MpApi) -> None:
    missing = api.get("/no-such-thing")
    assert (missing.status, missing.error_code) == (404, "not_found")
    wrong = api.call("PUT", "/privacy", json_body={})
    assert (wrong.status, wrong.error_code) == (405, "method_not_allowed")
    assert api.get("/projects/not-a-project").status == 404
    assert api.get("/needs/not-a-need").status == 404


# -- inputs that once reached the database driver and answered 500 ------------------------


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "path",
    [
        "/me/donations?limit=²",
        "/projects?limit=²",
        "/impact?limit=²",
        "/impact?cursor=" + _b64("9" * 30),
        "/impact?cursor=" + _b64("-5"),
        "/projects?cursor=" + _b64("-5"),
        "/me/donations?cursor=" + _b64("0001-01-01T00:00:00+01:00|x"),
        "/me/donations?cursor=" + _b64("9999-12-31T23:59:59-05:00|x"),
        "/me/donations?cursor=" + _b64("2026-01-01T00:00:00+00:00|a\x00b"),
    ],
    ids=[
        "superscript-limit-me",
        "superscript-limit-projects",
        "superscript-limit-impact",
        "huge-impact-cursor",
        "negative-impact-cursor",
        "negative-projects-cursor",
        "year-0-keyset-cursor",
        "year-10000-keyset-cursor",
        "nul-keyset-cursor",
    ],
)
def test_odd_paging_parameters_answer_400(api: MpApi, path: str) -> None:
    token = api.login()
    reply = api.get(path, token=token)
    assert (reply.status, reply.error_code) == (400, "invalid_field")


def test_ids_with_nul_are_simply_not_found(api: MpApi) -> None:
    token = api.login()
    for path in (
        "/projects/a%00b",
        "/needs/a%00b",
        "/donations/a%00b",
        "/me/donations/a%00b/certificate",
    ):
        reply = api.get(path, token=token)
        assert (reply.status, reply.error_code) == (404, "not_found"), path


@pytest.mark.parametrize(
    ("method", "path", "raw"),
    [
        ("POST", "/donations", b'{"project_id": "a\\u0000b", "amount_fen": 100}'),
        ("POST", "/donations", b'{"project_id": "p", "amount_fen": 100, "message": "a\\u0000"}'),
        ("POST", "/donations", b'{"project_id": "p", "amount_fen": 100, "message": "a\\ud800"}'),
        ("PATCH", "/me", b'{"display_name": "a\\u0000b"}'),
        ("PATCH", "/me", b'{"display_name": "a\\ud800b"}'),
        ("POST", "/auth/login", b'{"code": "test-a\\ud800"}'),
        ("POST", "/me/subscriptions", b'{"template_ids": ["\\udfff"]}'),
    ],
)
def test_text_with_nul_or_lone_surrogates_is_refused(
    api: MpApi, method: str, path: str, raw: bytes
) -> None:
    token = api.login()
    headers = {"Idempotency-Key": new_key()}
    reply = api.call(method, path, raw=raw, token=token, headers=headers)
    assert (reply.status, reply.error_code) == (400, "invalid_field")


def test_deeply_nested_json_is_refused(api: MpApi) -> None:
    token = api.login()
    raw = b'{"display_name": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    reply = api.call("PATCH", "/me", raw=raw, token=token)
    assert reply.status == 400
