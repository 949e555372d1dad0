"""Settings of the payment sandbox, read from `SANDBOX_*` environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_RETRY_SCHEDULE = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0)
# Stripe keeps retrying an undelivered event for three days, then gives up.
DEFAULT_GIVE_UP_AFTER_S = 3 * 24 * 3600.0
API_VERSION = "2024-06-20"


class ConfigError(ValueError):
    """A setting has a value the sandbox cannot use."""


@dataclass(frozen=True)
class SandboxConfig:
    host: str = "127.0.0.1"
    port: int = 12111
    db_path: str = "instance/sandbox_payments.sqlite3"
    # Development keys, public on purpose; deployments set their own.
    secret_key: str = "sk_test_sandbox"  # noqa: S105
    publishable_key: str = "pk_test_sandbox"
    webhook_url: str | None = None
    webhook_secret: str | None = None
    # What the pre-registered endpoint is sent, as Stripe's `enabled_events`: all by default.
    webhook_events: tuple[str, ...] = ("*",)
    retry_schedule: tuple[float, ...] = DEFAULT_RETRY_SCHEDULE
    webhook_timeout_s: float = 10.0
    # Deliveries sent side by side (each payment's events keep their order in one lane).
    webhook_lanes: int = 4
    give_up_after_s: float = DEFAULT_GIVE_UP_AFTER_S
    api_version: str = API_VERSION
    start_dispatcher: bool = True

    @classmethod
    def from_env(cls) -> SandboxConfig:
        return cls.from_mapping(os.environ)

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> SandboxConfig:
        """Read the `SANDBOX_*` keys of `values`; anything missing keeps its default."""

        def text(name: str) -> str | None:
            value = values.get(name)
            if value is None or value == "":
                return None
            return str(value)

        defaults = cls()
        return cls(
            host=text("SANDBOX_HOST") or defaults.host,
            port=_port(text("SANDBOX_PORT"), defaults.port),
            db_path=text("SANDBOX_DB") or defaults.db_path,
            secret_key=text("SANDBOX_SECRET_KEY") or defaults.secret_key,
            publishable_key=text("SANDBOX_PUBLISHABLE_KEY") or defaults.publishable_key,
            webhook_url=_webhook_url(text("SANDBOX_WEBHOOK_URL")),
            webhook_secret=text("SANDBOX_WEBHOOK_SECRET"),
            webhook_events=_event_types(text("SANDBOX_WEBHOOK_EVENTS")),
            retry_schedule=parse_retry_schedule(text("SANDBOX_RETRY_SCHEDULE")),
            webhook_timeout_s=_positive_float(
                text("SANDBOX_WEBHOOK_TIMEOUT"), defaults.webhook_timeout_s
            ),
            webhook_lanes=_lanes(text("SANDBOX_WEBHOOK_LANES"), defaults.webhook_lanes),
            give_up_after_s=_positive_float(
                text("SANDBOX_WEBHOOK_GIVE_UP_AFTER"), defaults.give_up_after_s
            ),
            api_version=text("SANDBOX_API_VERSION") or defaults.api_version,
            start_dispatcher=_flag(values.get("SANDBOX_START_DISPATCHER"), default=True),
        )


def parse_retry_schedule(raw: str | None) -> tuple[float, ...]:
    """`"0.5,1,2"` -> (0.5, 1.0, 2.0); the last delay repeats for every later retry."""
    if raw is None:
        return DEFAULT_RETRY_SCHEDULE
    try:
        delays = tuple(float(part) for part in raw.split(",") if part.strip())
    except ValueError as exc:
        raise ConfigError(f"SANDBOX_RETRY_SCHEDULE is not a list of seconds: {raw!r}") from exc
    if not delays or any(delay < 0 for delay in delays):
        raise ConfigError(f"SANDBOX_RETRY_SCHEDULE needs non-negative seconds: {raw!r}")
    return delays


def _webhook_url(raw: str | None) -> str | None:
    if raw is not None:
        parts = urlsplit(raw)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ConfigError(f"SANDBOX_WEBHOOK_URL is not an http(s) URL: {raw!r}")
    return raw


def _event_types(raw: str | None) -> tuple[str, ...]:
    """`"payment_intent.succeeded,refund.updated"`: the event types to send; `*` (the
    default) is every type."""
    if raw is None:
        return ("*",)
    from .events import EVENT_TYPES

    types = tuple(part.strip() for part in raw.split(",") if part.strip())
    unknown = [t for t in types if t != "*" and t not in EVENT_TYPES]
    if not types or unknown:
        raise ConfigError(
            f"SANDBOX_WEBHOOK_EVENTS names unknown event types {unknown}: "
            f"use * or some of {', '.join(EVENT_TYPES)}"
        )
    return types


def _port(raw: str | None, default: int) -> int:
    if raw is None:
        return default
    try:
        port = int(raw)
    except ValueError as exc:
        raise ConfigError(f"SANDBOX_PORT is not a number: {raw!r}") from exc
    if not 0 <= port <= 65535:
        raise ConfigError(f"SANDBOX_PORT is out of range: {port}")
    return port


def _lanes(raw: str | None, default: int) -> int:
    if raw is None:
        return default
    try:
        lanes = int(raw)
    except ValueError as exc:
        raise ConfigError(f"SANDBOX_WEBHOOK_LANES is not a number: {raw!r}") from exc
    if not 1 <= lanes <= 64:
        raise ConfigError(f"SANDBOX_WEBHOOK_LANES is from 1 to 64: {lanes}")
    return lanes


def _positive_float(raw: str | None, default: float) -> float:
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigError(f"not a number of seconds: {raw!r}") from exc
    if value <= 0:
        raise ConfigError(f"needs a positive number of seconds: {raw!r}")
    return value


def _flag(raw: object, *, default: bool) -> bool:
    if raw is None or raw == "":
        return default
    if isinstance(raw, bool):
        return raw
    return str(raw).strip().lower() not in {"0", "false", "no", "off"}
