"""Stripe's test payment methods and what each does when charged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import resource_missing

JSONObject = dict[str, Any]


@dataclass(frozen=True)
class SandboxCard:
    payment_method: str
    brand: str
    last4: str
    funding: str = "credit"
    # None: the charge succeeds. Otherwise Stripe's error code, decline code and message.
    error_code: str | None = None
    decline_code: str | None = None
    message: str = ""

    @property
    def succeeds(self) -> bool:
        return self.error_code is None

    def payment_method_object(self, created: int) -> JSONObject:
        return {
            "id": self.payment_method,
            "object": "payment_method",
            "billing_details": {"address": None, "email": None, "name": None, "phone": None},
            "card": {
                "brand": self.brand,
                "country": "US",
                "exp_month": 12,
                "exp_year": 2034,
                "funding": self.funding,
                "last4": self.last4,
            },
            "created": created,
            "customer": None,
            "livemode": False,
            "metadata": {},
            "type": "card",
        }

    def last_payment_error(self, charge_id: str, created: int) -> JSONObject:
        """The error object Stripe puts on the payment intent and in the 402 answer."""
        assert self.error_code is not None
        error: JSONObject = {
            "type": "card_error",
            "code": self.error_code,
            "message": self.message,
            "charge": charge_id,
            "doc_url": f"https://stripe.com/docs/error-codes/{self.error_code.replace('_', '-')}",
            "payment_method": self.payment_method_object(created),
        }
        if self.decline_code is not None:
            error["decline_code"] = self.decline_code
        return error


_DECLINED = "Your card was declined."

SANDBOX_CARDS = {
    card.payment_method: card
    for card in (
        SandboxCard("pm_card_visa", "visa", "4242"),
        SandboxCard("pm_card_visa_debit", "visa", "5556", funding="debit"),
        SandboxCard("pm_card_mastercard", "mastercard", "4444"),
        SandboxCard("pm_card_unionpay", "unionpay", "0005"),
        SandboxCard(
            "pm_card_chargeDeclined",
            "visa",
            "0002",
            error_code="card_declined",
            decline_code="generic_decline",
            message=_DECLINED,
        ),
        SandboxCard(
            "pm_card_chargeDeclinedInsufficientFunds",
            "visa",
            "9995",
            error_code="card_declined",
            decline_code="insufficient_funds",
            message="Your card has insufficient funds.",
        ),
        SandboxCard(
            "pm_card_chargeDeclinedExpiredCard",
            "visa",
            "0069",
            error_code="expired_card",
            decline_code="expired_card",
            message="Your card has expired.",
        ),
        SandboxCard(
            "pm_card_chargeDeclinedIncorrectCvc",
            "visa",
            "0127",
            error_code="incorrect_cvc",
            decline_code="incorrect_cvc",
            message="Your card's security code is incorrect.",
        ),
        SandboxCard(
            "pm_card_chargeDeclinedProcessingError",
            "visa",
            "0119",
            error_code="processing_error",
            decline_code="processing_error",
            message="An error occurred while processing your card. Try again in a little bit.",
        ),
    )
}


def find_card(payment_method: str) -> SandboxCard:
    card = SANDBOX_CARDS.get(payment_method)
    if card is None:
        raise resource_missing("PaymentMethod", payment_method, param="payment_method")
    return card
