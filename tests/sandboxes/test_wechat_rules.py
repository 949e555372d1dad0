"""The stand-in's pure rules: code syntax, derived identities, token expiry."""

from __future__ import annotations

import pytest

from sandboxes.wechat import rules

KEY = rules.token_key("wx_app", "secret")


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("test-alice", "alice"),
        ("test-alice-2", "alice-2"),
        ("test-Bob_9", "Bob_9"),
        ("test-alice.2", "alice"),
        ("test-alice:0f3a-77", "alice"),
    ],
)
def test_test_code_names_the_user(code: str, name: str) -> None:
    assert rules.classify_code(code) == rules.LoginCode("user", name)


@pytest.mark.parametrize("code", ["", "alice", "test-", "test-a b", "test-é", "TEST-alice"])
def test_other_codes_are_invalid(code: str) -> None:
    assert rules.classify_code(code).kind == "invalid"


def test_busy_and_limit_codes_are_recognised() -> None:
    assert rules.classify_code("busy-anything").kind == "busy"
    assert rules.classify_code("limit-anything").kind == "limit"


def test_openid_depends_on_app_and_name_only() -> None:
    assert rules.openid_for("wx_app", "alice") == rules.openid_for("wx_app", "alice")
    assert rules.openid_for("wx_app", "alice") != rules.openid_for("wx_app", "bob")
    assert rules.openid_for("wx_app", "alice") != rules.openid_for("wx_other", "alice")
    assert len(rules.openid_for("wx_app", "alice")) == 28


def test_unionid_is_shared_between_apps() -> None:
    assert rules.unionid_for("alice") != rules.unionid_for("bob")
    assert rules.unionid_for("alice").startswith("o")


def test_blocked_names_get_blocked_openids() -> None:
    assert rules.openid_for("wx_app", "blocked-ann").startswith("blocked")
    assert not rules.openid_for("wx_app", "ann").startswith("blocked")


def test_token_is_valid_until_it_expires() -> None:
    token = rules.issue_token(KEY, now=1_000_000)
    assert rules.check_token(KEY, token, now=1_000_000 + 7199, ttl_seconds=7200) == "ok"
    assert rules.check_token(KEY, token, now=1_000_000 + 7200, ttl_seconds=7200) == "expired"


def test_token_of_another_key_or_tampered_is_invalid() -> None:
    token = rules.issue_token(KEY, now=1_000_000)
    other_key = rules.token_key("wx_app", "rotated")
    assert rules.check_token(other_key, token, now=1_000_000, ttl_seconds=7200) == "invalid"
    issued, nonce, mac = token.split("_")
    forged = f"{int(issued, 16) + 9999:x}_{nonce}_{mac}"
    assert rules.check_token(KEY, forged, now=1_000_000, ttl_seconds=7200) == "invalid"


@pytest.mark.parametrize(
    ("text", "suggest"),
    [("谢谢", "pass"), ("违禁品", "risky"), ("请待审", "review"), ("违禁且待审", "risky")],
)
def test_screen_text(text: str, suggest: str) -> None:
    assert rules.screen_text(text).suggest == suggest
