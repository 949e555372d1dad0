"""Which provider, where, with which keys: all from configuration (docs/operations.md)."""

from __future__ import annotations

from typing import Any

from flask import current_app

from donations.payments.gateway import PaymentGateway
from donations.payments.sandbox import HttpPaymentGateway

DEFAULTS: dict[str, Any] = {
    "PAYMENT_PROVIDER": "sandbox",
    "PAYMENT_API_BASE": "http://127.0.0.1:12111",
    "PAYMENT_SECRET_KEY": "sk_test_sandbox",
    "PAYMENT_PUBLISHABLE_KEY": "pk_test_sandbox",
    # Comma-separated: during a secret rotation both the old and the new secret verify.
    "PAYMENT_WEBHOOK_SECRETS": "whsec_dev_sandbox",
    "PAYMENT_WEBHOOK_TOLERANCE_S": 300,
    "PAYMENT_TIMEOUT_S": 10.0,
}


def make_gateway(config: dict[str, Any]) -> PaymentGateway:
    provider = config["PAYMENT_PROVIDER"]
    if provider not in ("sandbox", "stripe"):
        raise RuntimeError(f"unknown PAYMENT_PROVIDER {provider!r}")
    # The real provider speaks the same wire protocol: only the base URL and keys differ.
    gateway = HttpPaymentGateway(
        config["PAYMENT_API_BASE"],
        config["PAYMENT_SECRET_KEY"],
        config["PAYMENT_PUBLISHABLE_KEY"],
        timeout_s=float(config["PAYMENT_TIMEOUT_S"]),
    )
    gateway.provider_name = provider
    return gateway


def current_gateway() -> PaymentGateway:
    gateway: PaymentGateway = current_app.extensions["payment_gateway"]
    return gateway


def webhook_secrets() -> list[str]:
    raw = str(current_app.config["PAYMENT_WEBHOOK_SECRETS"])
    return [s.strip() for s in raw.split(",") if s.strip()]
