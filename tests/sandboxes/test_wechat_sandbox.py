"""The WeChat stand-in over plain HTTP, as wechatpy and real WeChat clients see it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from sandboxes.wechat.testing import sandbox_process

APPID = "wx_test_app"
SECRET = "test_secret"
CREDENTIALS = {"appid": APPID, "secret": SECRET}


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with sandbox_process(appid=APPID, secret=SECRET) as url:
        yield url


@pytest.fixture
def http(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        client.post("/_sandbox/reset").raise_for_status()
        yield client


@pytest.fixture
def token(http: httpx.Client) -> str:
    answer = http.get("/cgi-bin/token", params={"grant_type": "client_credential", **CREDENTIALS})
    access_token: str = answer.json()["access_token"]
    return access_token


def login(http: httpx.Client, code: str, **overrides: str) -> dict[str, Any]:
    params = {**CREDENTIALS, "js_code": code, "grant_type": "authorization_code", **overrides}
    answer = http.get("/sns/jscode2session", params=params)
    assert answer.status_code == 200
    body: dict[str, Any] = answer.json()
    return body


def send(http: httpx.Client, token: str, **body: Any) -> dict[str, Any]:
    payload = {"touser": "o_someone", "template_id": "tmpl-thanks", "data": {}, **body}
    answer = http.post(
        "/cgi-bin/message/subscribe/send", params={"access_token": token}, json=payload
    )
    assert answer.status_code == 200
    result: dict[str, Any] = answer.json()
    return result


def sec_check(http: httpx.Client, token: str, body: dict[str, Any]) -> dict[str, Any]:
    # wechatpy sends its JSON without a Content-Type header; so does this helper.
    answer = http.post(
        "/wxa/msg_sec_check",
        params={"access_token": token},
        content=json.dumps(body, ensure_ascii=False).encode(),
    )
    assert answer.status_code == 200
    result: dict[str, Any] = answer.json()
    return result


THANKS = {"thing1": {"value": "感谢您的爱心"}, "amount2": {"value": "¥100.00"}}


def test_healthz_answers_ok(http: httpx.Client) -> None:
    assert http.get("/healthz").status_code == 200


def test_token_is_issued_for_the_right_credentials(http: httpx.Client) -> None:
    answer = http.get("/cgi-bin/token", params={"grant_type": "client_credential", **CREDENTIALS})
    body = answer.json()
    assert body["expires_in"] == 7200
    assert isinstance(body["access_token"], str) and body["access_token"]


@pytest.mark.parametrize(
    ("appid", "secret", "errcode"),
    [("wx_other", SECRET, 40013), (APPID, "wrong", 40125)],
)
def test_token_refuses_wrong_credentials(
    http: httpx.Client, appid: str, secret: str, errcode: int
) -> None:
    params = {"grant_type": "client_credential", "appid": appid, "secret": secret}
    body = http.get("/cgi-bin/token", params=params).json()
    assert body["errcode"] == errcode
    assert "access_token" not in body


def test_same_name_logs_in_same_openid_with_different_codes(http: httpx.Client) -> None:
    first = login(http, "test-alice")
    second = login(http, "test-alice.2")
    other = login(http, "test-bob")
    assert first["openid"] == second["openid"]
    assert first["unionid"] == second["unionid"]
    assert first["session_key"] != second["session_key"]
    assert other["openid"] != first["openid"]
    assert "errcode" not in first


def test_openid_survives_a_reset_of_the_sandbox(http: httpx.Client) -> None:
    before = login(http, "test-carol")["openid"]
    http.post("/_sandbox/reset").raise_for_status()
    assert login(http, "test-carol")["openid"] == before


def test_code_works_once(http: httpx.Client) -> None:
    assert "openid" in login(http, "test-dave")
    again = login(http, "test-dave")
    assert again == {"errcode": 40163, "errmsg": "code been used"}


def test_code_works_once_even_when_raced(http: httpx.Client) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: login(http, "test-racer"), range(8)))
    assert sum("openid" in answer for answer in answers) == 1
    assert sum(answer.get("errcode") == 40163 for answer in answers) == 7


@pytest.mark.parametrize("code", ["abc123", "test-", "test-bad name", "test-中文", "x" * 200])
def test_unknown_or_malformed_code_is_invalid(http: httpx.Client, code: str) -> None:
    assert login(http, code) == {"errcode": 40029, "errmsg": "invalid code"}


def test_busy_and_limit_codes_fail_every_time(http: httpx.Client) -> None:
    for _ in range(2):
        assert login(http, "busy-1") == {"errcode": -1, "errmsg": "system error"}
        assert login(http, "limit-1")["errcode"] == 45011


def test_login_refuses_wrong_secret(http: httpx.Client) -> None:
    assert login(http, "test-erin", secret="wrong")["errcode"] == 40125
    assert "openid" in login(http, "test-erin"), "a refused call must not use the code up"


def test_subscribe_message_is_sent_and_listed(http: httpx.Client, token: str) -> None:
    answer = send(http, token, touser="o_frank", data=THANKS, page="pages/donation/detail?id=1")
    send(http, token, touser="o_grace", data=THANKS)
    assert answer["errcode"] == 0 and answer["errmsg"] == "ok"
    assert isinstance(answer["msgid"], int)

    listed = http.get("/_sandbox/messages", params={"touser": "o_frank"}).json()["data"]
    assert len(listed) == 1
    assert listed[0]["msgid"] == answer["msgid"]
    assert listed[0]["template_id"] == "tmpl-thanks"
    assert listed[0]["data"] == THANKS
    assert listed[0]["page"] == "pages/donation/detail?id=1"
    assert len(http.get("/_sandbox/messages").json()["data"]) == 2


def test_subscribe_message_to_blocked_user_is_refused_and_not_stored(
    http: httpx.Client, token: str
) -> None:
    openid = login(http, "test-blocked-henry")["openid"]
    answer = send(http, token, touser=openid, data=THANKS)
    assert answer == {"errcode": 43101, "errmsg": "user refuse to accept the msg"}
    assert http.get("/_sandbox/messages").json()["data"] == []


@pytest.mark.parametrize(
    ("body", "errcode"),
    [
        ({"touser": ""}, 40003),
        ({"template_id": ""}, 40037),
        ({"data": {}}, 47003),
        ({"data": {"thing1": "no value object"}}, 47003),
        ({"miniprogram_state": "beta"}, 47003),
    ],
)
def test_malformed_subscribe_message_is_rejected(
    http: httpx.Client, token: str, body: dict[str, Any], errcode: int
) -> None:
    assert send(http, token, **{"data": THANKS, **body})["errcode"] == errcode
    assert http.get("/_sandbox/messages").json()["data"] == []


@pytest.mark.parametrize(
    ("access_token", "errcode"),
    [(None, 41001), ("not-a-token", 40001), ("10_abc_0123456789abcdef0123456789abcdef", 40001)],
)
def test_calls_need_an_issued_access_token(
    http: httpx.Client, access_token: str | None, errcode: int
) -> None:
    params = {} if access_token is None else {"access_token": access_token}
    answer = http.post("/cgi-bin/message/subscribe/send", params=params, json={})
    assert answer.json()["errcode"] == errcode
    check = http.post("/wxa/msg_sec_check", params=params, json={"content": "hi"})
    assert check.json()["errcode"] == errcode


def test_msg_sec_check_v1_flags_risky_text(http: httpx.Client, token: str) -> None:
    assert sec_check(http, token, {"content": "谢谢大家"}) == {"errcode": 0, "errmsg": "ok"}
    assert sec_check(http, token, {"content": "这里有违禁内容"}) == {
        "errcode": 87014,
        "errmsg": "risky content",
    }


@pytest.mark.parametrize(
    ("content", "suggest"),
    [("加油，早日回归社会", "pass"), ("这里有违禁内容", "risky"), ("这句话待审", "review")],
)
def test_msg_sec_check_v2_gives_a_suggestion(
    http: httpx.Client, token: str, content: str, suggest: str
) -> None:
    body = {"content": content, "version": 2, "scene": 2, "openid": "o_ivy"}
    answer = sec_check(http, token, body)
    assert answer["errcode"] == 0
    assert answer["result"]["suggest"] == suggest
    assert (answer["result"]["label"] == 100) == (suggest == "pass")
    assert answer["detail"] and answer["trace_id"]


def test_msg_sec_check_v2_needs_openid_and_scene(http: httpx.Client, token: str) -> None:
    no_openid = {"content": "hi", "version": 2, "scene": 2}
    bad_scene = {"content": "hi", "version": 2, "scene": 9, "openid": "o_ivy"}
    assert sec_check(http, token, no_openid)["errcode"] == 40003
    assert sec_check(http, token, bad_scene)["errcode"] == 47003


def test_reset_forgets_messages_and_used_codes(http: httpx.Client, token: str) -> None:
    login(http, "test-jack")
    send(http, token, data=THANKS)
    http.post("/_sandbox/reset").raise_for_status()
    assert http.get("/_sandbox/messages").json()["data"] == []
    assert "openid" in login(http, "test-jack")


def test_state_survives_restart_with_a_database(tmp_path: Path) -> None:
    db_path = str(tmp_path / "wechat.sqlite3")
    with sandbox_process(appid=APPID, secret=SECRET, db_path=db_path) as url:
        with httpx.Client(base_url=url, timeout=10) as http:
            openid = login(http, "test-kate")["openid"]
            answer = http.get(
                "/cgi-bin/token", params={"grant_type": "client_credential", **CREDENTIALS}
            )
            old_token = answer.json()["access_token"]
            send(http, old_token, touser=openid, data=THANKS)
    with sandbox_process(appid=APPID, secret=SECRET, db_path=db_path) as url:
        with httpx.Client(base_url=url, timeout=10) as http:
            assert login(http, "test-kate")["errcode"] == 40163
            assert login(http, "test-kate.2")["openid"] == openid
            listed = http.get("/_sandbox/messages", params={"touser": openid}).json()["data"]
            assert [message["data"] for message in listed] == [THANKS]
            assert send(http, old_token, data=THANKS)["errcode"] == 0
