"""What the platform needs from a payment provider, whatever the provider is."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


class PaymentError(Exception):
    """Base of the provider's errors."""


class ProviderUnavailable(PaymentError):
    """Network failure, timeout or 5xx after retries: try again later."""


class ProviderRejected(PaymentError):
    """The provider refused the request (4xx): retrying the same request won't help."""

    def __init__(self, message: str, status: int, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class ProviderDeclined(ProviderRejected):
    """A card or account declined the payment (402)."""


@dataclass(frozen=True)
class PaymentIntent:
    id: str
    status: str
    amount: int
    currency: str
    client_secret: str | None
    metadata: dict[str, str] = field(default_factory=dict)
    latest_charge: str | None = None


@dataclass(frozen=True)
class ProviderRefund:
    id: str
    status: str
    amount: int
    payment_intent: str | None
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EventPage:
    events: list[dict[str, Any]]
    has_more: bool


class PaymentGateway(Protocol):
    publishable_key: str
    api_base: str
    provider_name: str

    def create_payment_intent(
        self, amount_fen: int, currency: str, metadata: dict[str, str], idempotency_key: str
    ) -> PaymentIntent: ...

    def retrieve_payment_intent(self, intent_id: str) -> PaymentIntent: ...

    def cancel_payment_intent(self, intent_id: str, idempotency_key: str) -> PaymentIntent: ...

    def create_refund(
        self, intent_id: str, amount_fen: int, metadata: dict[str, str], idempotency_key: str
    ) -> ProviderRefund: ...

    def retrieve_refund(self, refund_id: str) -> ProviderRefund: ...

    def list_events(
        self, *, created_gte: int | None = None, starting_after: str | None = None, limit: int = 100
    ) -> EventPage: ...
