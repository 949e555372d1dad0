"""The payment provider: a gateway protocol, its httpx adapter, and webhook signatures."""

from donations.payments.gateway import (
    EventPage,
    PaymentError,
    PaymentGateway,
    PaymentIntent,
    ProviderDeclined,
    ProviderRefund,
    ProviderRejected,
    ProviderUnavailable,
)

__all__ = [
    "EventPage",
    "PaymentError",
    "PaymentGateway",
    "PaymentIntent",
    "ProviderDeclined",
    "ProviderRefund",
    "ProviderRejected",
    "ProviderUnavailable",
]
