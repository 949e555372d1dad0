"""The provider adapter on httpx: the sandbox in development, the real provider by URL.

Explicit timeouts; network errors and 5xx answers are retried with the same
Idempotency-Key, so a retried POST can never charge or refund twice.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

import httpx

from donations.payments.gateway import (
    EventPage,
    PaymentIntent,
    ProviderDeclined,
    ProviderRefund,
    ProviderRejected,
    ProviderUnavailable,
)

RETRY_DELAYS_S = (0.2, 0.5, 1.0)


def _form(data: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Stripe's bracketed form encoding: metadata[donation_id]=..."""
    pairs: list[tuple[str, str]] = []
    for key, value in data.items():
        name = f"{prefix}[{key}]" if prefix else key
        if isinstance(value, dict):
            pairs.extend(_form(value, name))
        elif isinstance(value, list | tuple):
            pairs.extend((f"{name}[]", str(item)) for item in value)
        elif isinstance(value, bool):
            pairs.append((name, "true" if value else "false"))
        elif value is not None:
            pairs.append((name, str(value)))
    return pairs


def _intent(data: dict[str, Any]) -> PaymentIntent:
    return PaymentIntent(
        id=data["id"],
        status=data["status"],
        amount=int(data["amount"]),
        currency=data["currency"],
        client_secret=data.get("client_secret"),
        metadata=dict(data.get("metadata") or {}),
        latest_charge=data.get("latest_charge"),
    )


def _refund(data: dict[str, Any]) -> ProviderRefund:
    return ProviderRefund(
        id=data["id"],
        status=data["status"],
        amount=int(data["amount"]),
        payment_intent=data.get("payment_intent"),
        metadata=dict(data.get("metadata") or {}),
    )


class HttpPaymentGateway:
    provider_name = "sandbox"

    def __init__(
        self,
        api_base: str,
        secret_key: str,
        publishable_key: str,
        timeout_s: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.api_base = api_base.rstrip("/")
        self.publishable_key = publishable_key
        self._client = httpx.Client(
            base_url=self.api_base,
            headers={"Authorization": f"Bearer {secret_key}"},
            timeout=httpx.Timeout(timeout_s, connect=3.0),
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    def _request(
        self,
        method: str,
        path: str,
        *,
        data: dict[str, Any] | None = None,
        params: list[tuple[str, str | int | float | bool | None]] | None = None,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        content = urlencode(_form(data)).encode() if data else None
        if content is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        last_error: Exception | None = None
        for attempt in range(len(RETRY_DELAYS_S) + 1):
            if attempt:
                time.sleep(RETRY_DELAYS_S[attempt - 1])
            try:
                response = self._client.request(
                    method, path, content=content, params=params, headers=headers
                )
            except httpx.TransportError as exc:
                last_error = exc
                continue
            if response.status_code >= 500:
                last_error = ProviderUnavailable(f"provider answered {response.status_code}")
                continue
            payload: dict[str, Any] = response.json()
            if response.status_code >= 400:
                error = payload.get("error") or {}
                message = str(error.get("message") or response.status_code)
                code = error.get("code")
                if response.status_code == 402:
                    raise ProviderDeclined(message, 402, error.get("decline_code") or code)
                raise ProviderRejected(message, response.status_code, code)
            return payload
        raise ProviderUnavailable(str(last_error)) from last_error

    def create_payment_intent(
        self, amount_fen: int, currency: str, metadata: dict[str, str], idempotency_key: str
    ) -> PaymentIntent:
        data = {"amount": amount_fen, "currency": currency, "metadata": metadata}
        return _intent(
            self._request("POST", "/v1/payment_intents", data=data, idempotency_key=idempotency_key)
        )

    def retrieve_payment_intent(self, intent_id: str) -> PaymentIntent:
        return _intent(self._request("GET", f"/v1/payment_intents/{intent_id}"))

    def cancel_payment_intent(self, intent_id: str, idempotency_key: str) -> PaymentIntent:
        return _intent(
            self._request(
                "POST", f"/v1/payment_intents/{intent_id}/cancel", idempotency_key=idempotency_key
            )
        )

    def create_refund(
        self, intent_id: str, amount_fen: int, metadata: dict[str, str], idempotency_key: str
    ) -> ProviderRefund:
        data = {"payment_intent": intent_id, "amount": amount_fen, "metadata": metadata}
        raw = self._request("POST", "/v1/refunds", data=data, idempotency_key=idempotency_key)
        return _refund(raw)

    def retrieve_refund(self, refund_id: str) -> ProviderRefund:
        return _refund(self._request("GET", f"/v1/refunds/{refund_id}"))

    def list_events(
        self, *, created_gte: int | None = None, starting_after: str | None = None, limit: int = 100
    ) -> EventPage:
        params: list[tuple[str, str | int | float | bool | None]] = [("limit", str(limit))]
        if created_gte is not None:
            params.append(("created[gte]", str(created_gte)))
        if starting_after:
            params.append(("starting_after", starting_after))
        raw = self._request("GET", "/v1/events", params=params)
        return EventPage(events=list(raw["data"]), has_more=bool(raw["has_more"]))
