"""WeChatPyGateway against a real WeChat stand-in over HTTP."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from donations.wechat.gateway import (
    InvalidCode,
    MessageRefused,
    WeChatBusy,
    WeChatConfig,
    WeChatError,
    WeChatGateway,
    WeChatPyGateway,
)
from sandboxes.wechat.testing import free_port, sandbox_process

APPID = "wx_gateway_test"
SECRET = "gateway_secret"
THANKS = {"thing1": {"value": "感谢您的爱心"}, "amount2": {"value": "¥50.00"}}


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with sandbox_process(appid=APPID, secret=SECRET) as url:
        yield url


@pytest.fixture
def gateway(base_url: str) -> Iterator[WeChatPyGateway]:
    config = WeChatConfig(appid=APPID, secret=SECRET, api_base_url=base_url, timeout=5)
    wechat = WeChatPyGateway(config)
    yield wechat
    wechat.close()


def fresh(name: str) -> str:
    """A login code never used before, for NAME."""
    return f"test-{name}.{uuid.uuid4().hex}"


def sent_messages(base_url: str, touser: str) -> list[dict[str, object]]:
    answer = httpx.get(base_url + "_sandbox/messages", params={"touser": touser}, timeout=10)
    data: list[dict[str, object]] = answer.json()["data"]
    return data


def test_gateway_satisfies_the_platform_interface(gateway: WeChatPyGateway) -> None:
    wechat: WeChatGateway = gateway
    assert wechat.code_to_session(fresh("zoe")).openid


def test_same_user_logs_in_with_a_stable_openid(gateway: WeChatPyGateway) -> None:
    first = gateway.code_to_session(fresh("alice"))
    second = gateway.code_to_session(fresh("alice"))
    someone_else = gateway.code_to_session(fresh("bob"))
    assert first.openid == second.openid
    assert first.unionid is not None and first.unionid == second.unionid
    assert first.session_key and first.session_key != second.session_key
    assert someone_else.openid != first.openid


def test_reused_code_is_invalid(gateway: WeChatPyGateway) -> None:
    code = fresh("carol")
    gateway.code_to_session(code)
    with pytest.raises(InvalidCode) as caught:
        gateway.code_to_session(code)
    assert caught.value.errcode == 40163


def test_unknown_code_is_invalid(gateway: WeChatPyGateway) -> None:
    with pytest.raises(InvalidCode) as caught:
        gateway.code_to_session("0a1b2c3d4e5f")
    assert caught.value.errcode == 40029


@pytest.mark.parametrize(("code", "errcode"), [("busy-now", -1), ("limit-now", 45011)])
def test_busy_wechat_raises_busy(gateway: WeChatPyGateway, code: str, errcode: int) -> None:
    with pytest.raises(WeChatBusy) as caught:
        gateway.code_to_session(code)
    assert caught.value.errcode == errcode


def test_unreachable_wechat_raises_busy_without_leaking_the_secret() -> None:
    config = WeChatConfig(
        appid=APPID, secret=SECRET, api_base_url=f"http://127.0.0.1:{free_port()}", timeout=2
    )
    wechat = WeChatPyGateway(config)
    try:
        with pytest.raises(WeChatBusy) as caught:
            wechat.code_to_session(fresh("dave"))
    finally:
        wechat.close()
    assert caught.value.errcode is None
    assert SECRET not in str(caught.value)


def test_wrong_secret_is_a_plain_wechat_error_not_a_bad_code(base_url: str) -> None:
    config = WeChatConfig(appid=APPID, secret="wrong", api_base_url=base_url, timeout=5)
    wechat = WeChatPyGateway(config)
    try:
        with pytest.raises(WeChatError) as caught:
            wechat.code_to_session(fresh("erin"))
    finally:
        wechat.close()
    assert type(caught.value) is WeChatError
    assert caught.value.errcode == 40125


@pytest.mark.parametrize(
    ("text", "verdict"),
    [("祝你早日找到工作", "pass"), ("这里有违禁内容", "risky"), ("这句话待审", "review")],
)
def test_check_text_gives_the_version_2_verdict(
    gateway: WeChatPyGateway, text: str, verdict: str
) -> None:
    openid = gateway.code_to_session(fresh("frank")).openid
    assert gateway.check_text(text, openid) == verdict


def test_subscribe_message_reaches_wechat(gateway: WeChatPyGateway, base_url: str) -> None:
    openid = gateway.code_to_session(fresh(f"grace-{uuid.uuid4().hex[:8]}")).openid
    gateway.send_subscribe_message(openid, "tmpl-thanks", THANKS, page="pages/impact/index")
    [message] = sent_messages(base_url, openid)
    assert message["template_id"] == "tmpl-thanks"
    assert message["data"] == THANKS
    assert message["page"] == "pages/impact/index"


def test_refused_subscribe_message_raises_and_is_not_sent(
    gateway: WeChatPyGateway, base_url: str
) -> None:
    openid = gateway.code_to_session(fresh(f"blocked-{uuid.uuid4().hex[:8]}")).openid
    with pytest.raises(MessageRefused) as caught:
        gateway.send_subscribe_message(openid, "tmpl-thanks", THANKS)
    assert caught.value.errcode == 43101
    assert sent_messages(base_url, openid) == []
