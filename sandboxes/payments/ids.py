"""Stripe-looking identifiers: a type prefix and random base62 characters."""

from __future__ import annotations

import secrets
import string
import time

_ALPHABET = string.ascii_letters + string.digits


def random_token(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def new_id(prefix: str) -> str:
    return f"{prefix}_{random_token(24)}"


def new_client_secret(payment_intent_id: str) -> str:
    return f"{payment_intent_id}_secret_{random_token(25)}"


def new_webhook_secret() -> str:
    return f"whsec_{random_token(32)}"


def now() -> int:
    """Stripe's timestamps: whole seconds since the epoch."""
    return int(time.time())
