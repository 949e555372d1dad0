"""Refunds of succeeded charges, whole or in parts."""

from __future__ import annotations

import sqlite3
from typing import Any

from .errors import invalid_request, resource_missing
from .events import RequestContext, record_event
from .forms import Params
from .ids import new_id, now
from .payment_intents import load_payment_intent
from .store import load_object, save_object

JSONObject = dict[str, Any]

REFUND_REASONS = ("duplicate", "fraudulent", "requested_by_customer")


def create_refund(conn: sqlite3.Connection, params: Params, context: RequestContext) -> JSONObject:
    """Refund `amount` (default: all that is left) of a charge; never more than was paid."""
    intent_id = params.string("payment_intent")
    charge_id = params.string("charge")
    amount = params.integer("amount")
    reason = params.choice("reason", REFUND_REASONS)
    metadata = params.metadata() or {}
    params.reject_unknown()

    charge = _refundable_charge(conn, intent_id, charge_id)
    remaining = charge["amount"] - charge["amount_refunded"]
    if remaining == 0:
        raise invalid_request(
            f"Charge {charge['id']} has already been refunded.",
            code="charge_already_refunded",
        )
    if amount is None:
        amount = remaining
    if amount > remaining:
        raise invalid_request(
            f"Refund amount ({amount}) is greater than unrefunded amount on charge ({remaining}).",
            code="amount_too_large",
            param="amount",
        )

    refund: JSONObject = {
        "id": new_id("re"),
        "object": "refund",
        "amount": amount,
        "balance_transaction": new_id("txn"),
        "charge": charge["id"],
        "created": now(),
        "currency": charge["currency"],
        "metadata": metadata,
        "payment_intent": charge["payment_intent"],
        "reason": reason,
        "receipt_number": None,
        "source_transfer_reversal": None,
        "status": "succeeded",
        "transfer_reversal": None,
    }
    previous = {"amount_refunded": charge["amount_refunded"], "refunded": charge["refunded"]}
    charge["amount_refunded"] += amount
    charge["refunded"] = charge["amount_refunded"] == charge["amount"]
    intent = load_payment_intent(conn, charge["payment_intent"])
    intent["amount_refunded"] = intent.get("amount_refunded", 0) + amount

    save_object(conn, refund)
    save_object(conn, charge)
    save_object(conn, intent)
    record_event(conn, "refund.created", refund, context)
    record_event(conn, "charge.refunded", charge, context, previous_attributes=previous)
    return refund


def retrieve_refund(conn: sqlite3.Connection, refund_id: str) -> JSONObject:
    refund = load_object(conn, refund_id, "refund")
    if refund is None:
        raise resource_missing("refund", refund_id)
    return refund


def update_refund(
    conn: sqlite3.Connection, refund_id: str, params: Params, context: RequestContext
) -> JSONObject:
    """Only metadata can change; a change is announced as `refund.updated`."""
    refund = retrieve_refund(conn, refund_id)
    metadata = params.metadata(refund["metadata"])
    params.reject_unknown()
    if metadata is None or metadata == refund["metadata"]:
        return refund
    previous = {"metadata": refund["metadata"]}
    refund["metadata"] = metadata
    save_object(conn, refund)
    record_event(conn, "refund.updated", refund, context, previous_attributes=previous)
    return refund


def retrieve_charge(conn: sqlite3.Connection, charge_id: str) -> JSONObject:
    charge = load_object(conn, charge_id, "charge")
    if charge is None:
        raise resource_missing("charge", charge_id)
    return charge


def _refundable_charge(
    conn: sqlite3.Connection, intent_id: str | None, charge_id: str | None
) -> JSONObject:
    if intent_id is None and charge_id is None:
        raise invalid_request(
            "One of the following params should be provided for this request: "
            "payment_intent or charge.",
            code="parameter_missing",
        )
    if charge_id is not None:
        charge = load_object(conn, charge_id, "charge")
        if charge is None:
            raise resource_missing("charge", charge_id, param="charge")
        if intent_id is not None and charge["payment_intent"] != intent_id:
            raise invalid_request(
                f"Charge {charge_id} does not belong to PaymentIntent {intent_id}.",
                param="charge",
            )
    else:
        assert intent_id is not None
        intent = load_object(conn, intent_id, "payment_intent")
        if intent is None:
            raise resource_missing("payment_intent", intent_id, param="payment_intent")
        if intent["status"] != "succeeded":
            raise invalid_request(
                f"PaymentIntent {intent_id} does not have a successful charge to refund.",
                code="charge_not_refundable",
                param="payment_intent",
            )
        charge = load_object(conn, intent["latest_charge"], "charge")
        assert charge is not None
    if charge["status"] != "succeeded":
        raise invalid_request(
            f"Charge {charge['id']} has no successful payment to refund.",
            code="charge_not_refundable",
            param="charge",
        )
    return charge
