"""Validation at the API edge: JSON bodies and query parameters to typed values."""

from __future__ import annotations

import math
import re
from typing import Any

from flask import request

from donations.api.errors import ApiError

_KEY_RE = re.compile(r"^[A-Za-z0-9_\-:.]{1,128}$")


def json_body(allowed: set[str]) -> dict[str, Any]:
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise ApiError(400, "invalid_json", "The body must be a JSON object.")
    try:
        data = request.get_json(force=True, silent=False)
    except Exception as error:  # werkzeug raises BadRequest on malformed JSON
        raise ApiError(400, "invalid_json", "The body is not valid JSON.") from error
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", "The body must be a JSON object.")
    if not _storable(data):
        raise ApiError(400, "invalid_field", "Text must be valid Unicode without NUL characters.")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ApiError(400, "invalid_field", "Unknown field: %(name)s.", name=unknown[0])
    return data


def _storable(data: Any) -> bool:
    """No lone surrogates (JSON allows "\\ud800"; UTF-8 does not) and no NUL (PostgreSQL
    text cannot hold it): either would fail deep in a driver as a 500. Iterative, so
    deep nesting cannot exhaust the stack."""
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return False
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return True


def opt_str(data: dict[str, Any], name: str, max_len: int) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ApiError(400, "invalid_field", "%(name)s must be a string.", name=name)
    if len(value) > max_len:
        raise ApiError(
            400,
            "invalid_field",
            "%(name)s is too long (at most %(max)d characters).",
            name=name,
            max=max_len,
        )
    return value


def req_str(data: dict[str, Any], name: str, max_len: int) -> str:
    value = opt_str(data, name, max_len)
    if value is None or not value.strip():
        raise ApiError(400, "invalid_field", "%(name)s is required.", name=name)
    return value


def req_int(data: dict[str, Any], name: str, low: int, high: int) -> int:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError(400, "invalid_field", "%(name)s must be an integer.", name=name)
    if not low <= value <= high:
        raise ApiError(
            400,
            "invalid_field",
            "%(name)s must be between %(low)d and %(high)d.",
            name=name,
            low=low,
            high=high,
        )
    return value


def opt_bool(data: dict[str, Any], name: str, default: bool) -> bool:
    value = data.get(name, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise ApiError(400, "invalid_field", "%(name)s must be true or false.", name=name)
    return value


def idempotency_key() -> str:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        raise ApiError(400, "idempotency_key_required", "Send an Idempotency-Key header.")
    if not _KEY_RE.match(key):
        raise ApiError(400, "invalid_field", "The Idempotency-Key is 1-128 letters, digits or -_:.")
    return key


def query_float(name: str, low: float, high: float) -> float | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = float(raw)
    except ValueError as error:
        raise ApiError(400, "invalid_field", "%(name)s must be a number.", name=name) from error
    if not math.isfinite(value) or not low <= value <= high:
        raise ApiError(
            400,
            "invalid_field",
            "%(name)s must be between %(low)s and %(high)s.",
            name=name,
            low=f"{low:g}",
            high=f"{high:g}",
        )
    return value


def query_wait(maximum: int) -> int:
    """`?wait=`: whole seconds to wait for a change, 0 (the default) for none."""
    raw = request.args.get("wait")
    if raw is None:
        return 0
    if not (raw.isascii() and raw.isdigit()) or int(raw) > maximum:
        raise ApiError(
            400, "invalid_field", "wait must be whole seconds from 0 to %(max)d.", max=maximum
        )
    return int(raw)


def query_limit(default: int = 20, maximum: int = 100) -> int:
    raw = request.args.get("limit")
    if raw is None:
        return default
    # isdigit() alone admits "²", which int() refuses.
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= maximum:
        raise ApiError(400, "invalid_field", "limit must be between 1 and %(max)d.", max=maximum)
    return int(raw)
