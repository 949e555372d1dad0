"""Start-up configuration rules, and login throttling on Redis (as with several processes)."""

from __future__ import annotations

import uuid

import pytest
import redis

from core.throttle import RedisThrottle, ThrottlePolicy
from portal.config import ConfigurationError
from tests.conftest import TEST_KEYS, make_app


def test_production_refuses_to_start_without_keys(monkeypatch, tmp_path):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigurationError) as refused:
        make_app(PORTAL_ENV="production", SECRET_KEY="", FIELD_KEYS="", AUDIT_KEY="")
    assert "SECRET_KEY" in str(refused.value) and "FIELD_KEYS" in str(refused.value)
    assert not (tmp_path / "secrets.json").exists()


# What an operator sets in production instead of the wing's published development values.
PRODUCTION_SECRETS = {
    "PAYMENT_SECRET_KEY": "sk_live_county_51Hx",
    "PAYMENT_PUBLISHABLE_KEY": "pk_live_county_51Hx",
    "PAYMENT_WEBHOOK_SECRETS": "whsec_county_2f9c",
    "WECHAT_SECRET": "3f1c0a9e77d24b6c",
}


@pytest.mark.parametrize(
    ("name", "development_value"),
    [
        ("PAYMENT_SECRET_KEY", "sk_test_sandbox"),
        ("PAYMENT_PUBLISHABLE_KEY", "pk_test_sandbox"),
        ("PAYMENT_WEBHOOK_SECRETS", "whsec_dev_sandbox"),
        # Still accepted beside a real secret during a rotation: forged events would verify.
        ("PAYMENT_WEBHOOK_SECRETS", "whsec_county_2f9c,whsec_dev_sandbox"),
        ("WECHAT_SECRET", "sandbox_secret"),
        ("WECHAT_SECRET", ""),
    ],
)
def test_production_refuses_a_development_or_missing_secret(name, development_value):
    with pytest.raises(ConfigurationError) as refused:
        make_app(
            PORTAL_ENV="production", **TEST_KEYS, **{**PRODUCTION_SECRETS, name: development_value}
        )
    assert name in str(refused.value)
    assert "sandbox" not in str(refused.value)  # the message names settings, never values


def test_production_refuses_a_development_secret_from_the_environment(monkeypatch):
    monkeypatch.setenv("WECHAT_SECRET", "sandbox_secret")
    secrets = {k: v for k, v in PRODUCTION_SECRETS.items() if k != "WECHAT_SECRET"}
    with pytest.raises(ConfigurationError, match="WECHAT_SECRET"):
        make_app(PORTAL_ENV="production", **TEST_KEYS, **secrets)
    monkeypatch.setenv("WECHAT_SECRET", PRODUCTION_SECRETS["WECHAT_SECRET"])
    assert make_app(PORTAL_ENV="production", **TEST_KEYS, **secrets).config["WECHAT_SECRET"]


def test_production_starts_with_real_secrets_and_development_keeps_its_defaults():
    app = make_app(PORTAL_ENV="production", **TEST_KEYS, **PRODUCTION_SECRETS)
    assert app.config["PAYMENT_SECRET_KEY"] == PRODUCTION_SECRETS["PAYMENT_SECRET_KEY"]
    assert make_app().config["PAYMENT_WEBHOOK_SECRETS"] == "whsec_dev_sandbox"


def test_production_marks_cookies_secure():
    app = make_app(PORTAL_ENV="production", **TEST_KEYS, **PRODUCTION_SECRETS)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert make_app().config["SESSION_COOKIE_SECURE"] is False


def test_development_generates_keys_once(monkeypatch, tmp_path):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    first = make_app(SECRET_KEY="", FIELD_KEYS="", AUDIT_KEY="")
    second = make_app(SECRET_KEY="", FIELD_KEYS="", AUDIT_KEY="")
    assert first.config["FIELD_KEYS"] == second.config["FIELD_KEYS"]
    assert (tmp_path / "secrets.json").stat().st_mode & 0o777 == 0o600


@pytest.fixture()
def redis_throttle():
    client = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail("Redis is expected on 127.0.0.1:6379 (started before the session and in CI)")
    yield RedisThrottle(ThrottlePolicy(), client)
    client.close()


def test_redis_throttle_locks_an_account_after_five_failures(redis_throttle):
    user, address = f"user-{uuid.uuid4().hex}", f"10.0.0.{uuid.uuid4().int % 250}"
    for _ in range(4):
        redis_throttle.failed(user, address)
    assert not redis_throttle.blocked(user, address)
    redis_throttle.failed(user, address)
    assert redis_throttle.blocked(user, "192.0.2.1")  # the account, from anywhere


def test_redis_throttle_blocks_an_address_after_thirty_failures(redis_throttle):
    address = f"198.51.100.{uuid.uuid4().int % 250}-{uuid.uuid4().hex[:6]}"
    for n in range(29):
        redis_throttle.failed(f"someone-{n}-{uuid.uuid4().hex}", address)
    assert not redis_throttle.blocked(f"fresh-{uuid.uuid4().hex}", address)
    redis_throttle.failed(f"last-{uuid.uuid4().hex}", address)
    assert redis_throttle.blocked(f"fresh-{uuid.uuid4().hex}", address)


def test_a_success_clears_the_account_count(redis_throttle):
    user, address = f"user-{uuid.uuid4().hex}", f"203.0.113.{uuid.uuid4().hex[:6]}"
    for _ in range(4):
        redis_throttle.failed(user, address)
    redis_throttle.succeeded(user)
    redis_throttle.failed(user, address)
    assert not redis_throttle.blocked(user, address)
