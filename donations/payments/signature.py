"""Webhook signatures as Stripe makes them: `Stripe-Signature: t=<unix>,v1=<hex>,v1=<hex>`.

The signed payload is `f"{t}.{raw body}"` under HMAC-SHA256. Several secrets may be
configured during a rotation, and several `v1` values may arrive; one match is enough.
"""

from __future__ import annotations

import hashlib
import hmac
import time

DEFAULT_TOLERANCE_S = 300


class SignatureError(ValueError):
    """The webhook signature is missing, stale, malformed or wrong."""


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def verify(
    payload: bytes,
    header: str | None,
    secrets: list[str],
    tolerance_s: int = DEFAULT_TOLERANCE_S,
    now: float | None = None,
) -> None:
    """Raise SignatureError unless the header carries a fresh signature by one of `secrets`."""
    if not header:
        raise SignatureError("missing signature header")
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            signatures.append(value)
    if timestamp is None or not signatures:
        raise SignatureError("malformed signature header")
    if abs((now if now is not None else time.time()) - timestamp) > tolerance_s:
        raise SignatureError("timestamp outside the tolerance")
    signed = f"{timestamp}.".encode() + payload
    for secret in secrets:
        expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
        if any(hmac.compare_digest(expected, candidate) for candidate in signatures):
            return
    raise SignatureError("no signature matches")
