"""Configuration from the environment, with development secrets generated on first run."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from core.crypto import Keyring

# Re-exported: wings raise it from their settings too (core.wings.apply_settings).
from core.wings import ConfigurationError as ConfigurationError
from core.wings import parse_setting

DEFAULTS: dict[str, Any] = {
    "PORTAL_ENV": "development",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "BABEL_DEFAULT_LOCALE": "zh_CN",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,
    "LOGIN_ACCOUNT_FAILURES": 5,
    "LOGIN_ACCOUNT_LOCK_S": 60,
    "LOGIN_ADDRESS_FAILURES": 30,
    "LOGIN_ADDRESS_WINDOW_S": 600,
    "LOGIN_ADDRESS_BLOCK_S": 60,
    "REDIS_URL": "",
    "AUDIT_SEAL_INTERVAL_S": 60,
    # How often the whole chain is recomputed and the outcome recorded (the audit page
    # says when it was last verified).
    "AUDIT_VERIFY_INTERVAL_S": 3600,
    # How often queued office notices become the officers' notices (core.notices).
    "OFFICE_NOTICE_INTERVAL_S": 30,
    # Evidence uploads are at most 5 MB; the whole request a little more.
    "MAX_CONTENT_LENGTH": 6 * 1024 * 1024,
    # "inprocess" (a thread of the server) | "celery" (a worker and beat) | "off"
    "BACKGROUND_JOBS": "inprocess",
    # The Celery broker; empty: REDIS_URL, else Redis on this machine.
    "CELERY_BROKER_URL": "",
    "JOB_RUNS_KEEP_DAYS": 14,
    # Where the monthly-report job writes each ended month's workbook; empty: instance/reports.
    "REPORTS_DIR": "",
    "MONTHLY_REPORT_INTERVAL_S": 3600,
    "TRUSTED_PROXIES": 0,
    # PostgreSQL connections kept per process, and how many more a burst may open.
    "DB_POOL_SIZE": 10,
    "DB_MAX_OVERFLOW": 20,
    # Test each pooled connection before use (one more round trip per request);
    # off, a connection older than DB_POOL_RECYCLE_S seconds is replaced instead.
    "DB_POOL_PRE_PING": False,
    "DB_POOL_RECYCLE_S": 1800,
    "PAGE_SIZE": 25,
    # Entering an ID number already on record: refusals per user and hour before a pause.
    "DUPLICATE_ID_LIMIT_PER_HOUR": 5,
    # A user's identity reveals in a day that alarm an admin: at least this many, and
    # this many times the colleagues' median of the day.
    "REVEAL_ALARM_THRESHOLD": 20,
    "REVEAL_ALARM_FACTOR": 3.0,
}


def _instance_secrets(instance_path: Path) -> dict[str, str]:
    """Development only: keys generated once into instance/ (never committed)."""
    path = instance_path / "secrets.json"
    if path.exists():
        data: dict[str, str] = json.loads(path.read_text())
        return data
    instance_path.mkdir(parents=True, exist_ok=True)
    data = {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "FIELD_KEYS": Keyring.new_key_spec("k1"),
        "AUDIT_KEY": secrets.token_urlsafe(48),
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(data, handle)
    return data


BACKGROUND_RUNNERS = ("inprocess", "celery", "off")
# Secrets without a default: generated into instance/ in development, required in production.
SECRETS = ("SECRET_KEY", "FIELD_KEYS", "AUDIT_KEY")
# Every variable `load_config` reads (docs/operations.md documents each; a test holds it so).
ENVIRONMENT = (*DEFAULTS, *SECRETS, "FIELD_KEY_CURRENT", "DATABASE_URL")


def load_config(instance_path: Path, overrides: dict[str, Any] | None) -> dict[str, Any]:
    config = dict(DEFAULTS)
    env = os.environ
    for key in ENVIRONMENT:
        if key in env and key != "DATABASE_URL":
            config[key] = parse_setting(env[key], DEFAULTS.get(key))
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'portal.sqlite3'}"
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(database_url)
    config.update(overrides or {})
    if config["BACKGROUND_JOBS"] not in BACKGROUND_RUNNERS:
        raise ConfigurationError(
            "BACKGROUND_JOBS must be one of " + ", ".join(BACKGROUND_RUNNERS) + "."
        )
    production = config["PORTAL_ENV"] == "production"
    missing = [k for k in SECRETS if not config.get(k)]
    if missing and production:
        raise ConfigurationError(
            "Production start-up refused: set "
            + ", ".join(missing)
            + " in the environment (see docs/operations.md). Keys are never generated"
            " in production, so that data is never encrypted with a key nobody keeps."
        )
    if missing:
        generated = _instance_secrets(instance_path)
        for key in missing:
            config[key] = generated[key]
    config["SESSION_COOKIE_SECURE"] = production
    config["REMEMBER_COOKIE_SECURE"] = production
    return config


def normalise_database_url(url: str) -> str:
    """psycopg 3 is the PostgreSQL driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
