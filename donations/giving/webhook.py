"""`POST /api/payments/webhook`: the provider's events, signature checked on the raw body."""

from __future__ import annotations

import json
import logging

from flask import Blueprint, current_app, request
from flask.typing import ResponseReturnValue

from core.db import db
from donations.giving.events import apply_event
from donations.payments.config import webhook_secrets
from donations.payments.signature import SignatureError, verify

log = logging.getLogger(__name__)
bp = Blueprint("payments_webhook", __name__)


@bp.route("/api/payments/webhook", methods=["POST"])
def receive() -> ResponseReturnValue:
    payload = request.get_data(cache=False)
    try:
        verify(
            payload,
            request.headers.get("Stripe-Signature"),
            webhook_secrets(),
            int(current_app.config["PAYMENT_WEBHOOK_TOLERANCE_S"]),
        )
    except SignatureError as error:
        log.warning("webhook refused: %s", error)
        return {"error": {"code": "invalid_signature", "message": str(error)}}, 400
    try:
        event = json.loads(payload)
        if not isinstance(event, dict) or not str(event.get("id", "")).startswith("evt_"):
            raise ValueError("not an event")
    except ValueError:
        return {"error": {"code": "invalid_json", "message": "body is not an event"}}, 400
    try:
        outcome = apply_event(event, via="webhook")
    except Exception:
        # Our failure, not the provider's: a 5xx makes it deliver again later.
        db.session.rollback()
        log.exception("webhook event %s could not be applied", event.get("id"))
        return {"error": {"code": "retry", "message": "try again"}}, 500
    return {"received": True, "outcome": str(outcome)}, 200
