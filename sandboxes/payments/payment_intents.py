"""Payment intents and the charges their confirmation makes."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from .cards import SandboxCard, find_card
from .errors import ApiError, invalid_request, resource_missing, unexpected_state
from .events import RequestContext, record_event
from .forms import Params
from .ids import new_client_secret, new_id, now
from .store import load_object, save_object

JSONObject = dict[str, Any]

CONFIRMABLE = ("requires_payment_method", "requires_confirmation", "requires_action")
CANCELABLE = (
    "requires_payment_method",
    "requires_capture",
    "requires_confirmation",
    "requires_action",
    "processing",
)
CANCELLATION_REASONS = ("abandoned", "duplicate", "fraudulent", "requested_by_customer")
_CURRENCY = re.compile(r"^[a-z]{3}$")


def create_payment_intent(
    conn: sqlite3.Connection, params: Params, context: RequestContext
) -> JSONObject:
    """A new intent; with `confirm=true` it is charged at once (and may answer 402)."""
    amount = params.integer("amount", required=True)
    currency = (params.required_string("currency")).lower()
    if not _CURRENCY.match(currency):
        raise invalid_request(f"Invalid currency: {currency}", param="currency")
    payment_method = params.string("payment_method")
    confirm = params.boolean("confirm")
    intent: JSONObject = {
        "id": new_id("pi"),
        "object": "payment_intent",
        "amount": amount,
        "amount_capturable": 0,
        "amount_received": 0,
        # Not in Stripe's payment intent (only on its charge); kept here for convenience.
        "amount_refunded": 0,
        "canceled_at": None,
        "cancellation_reason": None,
        "capture_method": params.choice("capture_method", ["automatic"]) or "automatic",
        "client_secret": None,
        "confirmation_method": "automatic",
        "created": now(),
        "currency": currency,
        "customer": None,
        "description": params.string("description"),
        "last_payment_error": None,
        "latest_charge": None,
        "livemode": False,
        "metadata": params.metadata() or {},
        "next_action": None,
        "payment_method": payment_method,
        "payment_method_types": params.strings("payment_method_types") or ["card"],
        "receipt_email": params.string("receipt_email"),
        "statement_descriptor": params.string("statement_descriptor"),
        "statement_descriptor_suffix": params.string("statement_descriptor_suffix"),
        "status": "requires_confirmation" if payment_method else "requires_payment_method",
    }
    intent["client_secret"] = new_client_secret(intent["id"])
    params.mapping("automatic_payment_methods")
    params.string("return_url")
    params.reject_unknown()
    card = find_card(payment_method) if payment_method else None
    if confirm and card is None:
        raise _missing_payment_method()

    save_object(conn, intent)
    record_event(conn, "payment_intent.created", intent, context)
    if card is not None and confirm:
        return _charge(conn, intent, card, context)
    return intent


def retrieve_payment_intent(
    conn: sqlite3.Connection, intent_id: str, params: Params, *, publishable: bool
) -> JSONObject:
    intent = load_payment_intent(conn, intent_id)
    _check_client_secret(intent, params, publishable=publishable)
    params.reject_unknown()
    return intent


def confirm_payment_intent(
    conn: sqlite3.Connection,
    intent_id: str,
    params: Params,
    context: RequestContext,
    *,
    publishable: bool,
) -> JSONObject:
    """Charge the intent: it succeeds, or answers 402 and waits for another payment method."""
    intent = load_payment_intent(conn, intent_id)
    _check_client_secret(intent, params, publishable=publishable)
    payment_method = params.string("payment_method") or intent["payment_method"]
    params.string("return_url")
    params.reject_unknown()
    if intent["status"] not in CONFIRMABLE:
        raise unexpected_state(
            f"You cannot confirm this PaymentIntent because it has a status of {intent['status']}.",
            extra={"payment_intent": intent},
        )
    if not payment_method:
        raise _missing_payment_method()
    return _charge(conn, intent, find_card(payment_method), context)


def cancel_payment_intent(
    conn: sqlite3.Connection, intent_id: str, params: Params, context: RequestContext
) -> JSONObject:
    intent = load_payment_intent(conn, intent_id)
    reason = params.choice("cancellation_reason", CANCELLATION_REASONS)
    params.reject_unknown()
    if intent["status"] not in CANCELABLE:
        raise unexpected_state(
            f"You cannot cancel this PaymentIntent because it has a status of "
            f"{intent['status']}. Only a PaymentIntent with one of the following statuses "
            f"may be canceled: {', '.join(CANCELABLE)}.",
            extra={"payment_intent": intent},
        )
    intent.update(status="canceled", canceled_at=now(), cancellation_reason=reason)
    save_object(conn, intent)
    record_event(conn, "payment_intent.canceled", intent, context)
    return intent


def load_payment_intent(conn: sqlite3.Connection, intent_id: str) -> JSONObject:
    intent = load_object(conn, intent_id, "payment_intent")
    if intent is None:
        raise resource_missing("payment_intent", intent_id)
    return intent


def _charge(
    conn: sqlite3.Connection, intent: JSONObject, card: SandboxCard, context: RequestContext
) -> JSONObject:
    charge = _new_charge(intent, card)
    save_object(conn, charge)
    if card.succeeds:
        intent.update(
            status="succeeded",
            amount_received=intent["amount"],
            latest_charge=charge["id"],
            payment_method=card.payment_method,
            last_payment_error=None,
        )
        save_object(conn, intent)
        record_event(conn, "payment_intent.succeeded", intent, context)
        return intent

    error = card.last_payment_error(charge["id"], charge["created"])
    # Stripe detaches a declined method, so the intent asks for a new one.
    intent.update(
        status="requires_payment_method",
        latest_charge=charge["id"],
        payment_method=None,
        last_payment_error=error,
    )
    save_object(conn, intent)
    record_event(conn, "payment_intent.payment_failed", intent, context)
    raise ApiError(
        402,
        "card_error",
        error["message"],
        code=error["code"],
        extra={key: value for key, value in error.items() if key not in {"type", "code", "message"}}
        | {"payment_intent": intent},
    )


def _new_charge(intent: JSONObject, card: SandboxCard) -> JSONObject:
    succeeded = card.succeeds
    outcome: JSONObject = (
        {
            "network_status": "approved_by_network",
            "reason": None,
            "risk_level": "normal",
            "seller_message": "Payment complete.",
            "type": "authorized",
        }
        if succeeded
        else {
            "network_status": "declined_by_network",
            "reason": card.decline_code,
            "risk_level": "normal",
            "seller_message": "The bank did not return any further details with this decline.",
            "type": "issuer_declined",
        }
    )
    return {
        "id": new_id("ch"),
        "object": "charge",
        "amount": intent["amount"],
        "amount_captured": intent["amount"] if succeeded else 0,
        "amount_refunded": 0,
        "balance_transaction": new_id("txn") if succeeded else None,
        "captured": succeeded,
        "created": now(),
        "currency": intent["currency"],
        "customer": intent["customer"],
        "description": intent["description"],
        "failure_code": card.error_code,
        "failure_message": card.message or None,
        "livemode": False,
        "metadata": dict(intent["metadata"]),
        "outcome": outcome,
        "paid": succeeded,
        "payment_intent": intent["id"],
        "payment_method": card.payment_method,
        "payment_method_details": {
            "type": "card",
            "card": {"brand": card.brand, "last4": card.last4, "funding": card.funding},
        },
        "receipt_url": None,
        "refunded": False,
        "status": "succeeded" if succeeded else "failed",
    }


def _check_client_secret(intent: JSONObject, params: Params, *, publishable: bool) -> None:
    """A publishable key sees an intent only through its client secret, as Stripe.js does."""
    secret = params.string("client_secret")
    if secret is None and not publishable:
        return
    if secret is None:
        raise invalid_request(
            "Missing required param: client_secret.",
            code="parameter_missing",
            param="client_secret",
        )
    if secret != intent["client_secret"]:
        raise invalid_request(
            "The client_secret provided does not match the client_secret associated with "
            "the PaymentIntent.",
            param="client_secret",
        )


def _missing_payment_method() -> ApiError:
    return unexpected_state(
        "You cannot confirm this PaymentIntent because it's missing a payment method. "
        "Pass a payment_method, e.g. pm_card_visa."
    )
