"""Routes: the Stripe subset under /v1, and the sandbox's own controls under /_sandbox."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from flask import Blueprint, Response, g, request

from . import endpoints, events, payment_intents, refunds
from .auth import Caller
from .errors import ApiError, idempotency_error, invalid_request
from .events import RequestContext
from .faults import FaultSettings
from .forms import FormDict, Params, parse_form, parse_json, parse_pairs
from .idempotency import MAX_KEY_LENGTH, SavedAnswer, find_answer, fingerprint, save_answer
from .runtime import current_sandbox
from .webhooks import list_deliveries

JSONObject = dict[str, Any]
Action = Callable[[sqlite3.Connection, Params, RequestContext], JSONObject]
View = TypeVar("View", bound=Callable[..., Response])

blueprint = Blueprint("payments_sandbox", __name__)


def publishable_key_allowed(view: View) -> View:
    """Mark a route that also takes the publishable key (with the intent's client secret)."""
    view.publishable_key_allowed = True  # type: ignore[attr-defined]
    return view


def json_response(
    body: object, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        json.dumps(body, indent=2) + "\n",
        status=status,
        mimetype="application/json",
        headers=headers,
    )


@blueprint.get("/healthz")
def healthz() -> Response:
    return json_response({"status": "ok"})


@blueprint.post("/v1/payment_intents")
def create_payment_intent() -> Response:
    return _mutate(payment_intents.create_payment_intent)


@blueprint.get("/v1/payment_intents/<intent_id>")
@publishable_key_allowed
def retrieve_payment_intent(intent_id: str) -> Response:
    publishable = _caller().publishable
    return _read(
        lambda conn, params: payment_intents.retrieve_payment_intent(
            conn, intent_id, params, publishable=publishable
        )
    )


@blueprint.post("/v1/payment_intents/<intent_id>/confirm")
@publishable_key_allowed
def confirm_payment_intent(intent_id: str) -> Response:
    publishable = _caller().publishable
    return _mutate(
        lambda conn, params, context: payment_intents.confirm_payment_intent(
            conn, intent_id, params, context, publishable=publishable
        )
    )


@blueprint.post("/v1/payment_intents/<intent_id>/cancel")
def cancel_payment_intent(intent_id: str) -> Response:
    return _mutate(
        lambda conn, params, context: payment_intents.cancel_payment_intent(
            conn, intent_id, params, context
        )
    )


@blueprint.get("/v1/charges/<charge_id>")
def retrieve_charge(charge_id: str) -> Response:
    return _read(lambda conn, params: refunds.retrieve_charge(conn, charge_id))


@blueprint.post("/v1/refunds")
def create_refund() -> Response:
    return _mutate(refunds.create_refund)


@blueprint.get("/v1/refunds/<refund_id>")
def retrieve_refund(refund_id: str) -> Response:
    return _read(lambda conn, params: refunds.retrieve_refund(conn, refund_id))


@blueprint.post("/v1/refunds/<refund_id>")
def update_refund(refund_id: str) -> Response:
    return _mutate(
        lambda conn, params, context: refunds.update_refund(conn, refund_id, params, context)
    )


@blueprint.get("/v1/events")
def list_events() -> Response:
    return _read(events.list_events)


@blueprint.get("/v1/events/<event_id>")
def retrieve_event(event_id: str) -> Response:
    return _read(lambda conn, params: events.get_event(conn, event_id))


@blueprint.post("/v1/webhook_endpoints")
def create_webhook_endpoint() -> Response:
    return _mutate(lambda conn, params, context: endpoints.create_endpoint(conn, params))


@blueprint.get("/v1/webhook_endpoints")
def list_webhook_endpoints() -> Response:
    return _read(endpoints.list_endpoints)


@blueprint.get("/v1/webhook_endpoints/<endpoint_id>")
def retrieve_webhook_endpoint(endpoint_id: str) -> Response:
    return _read(lambda conn, params: endpoints.get_endpoint(conn, endpoint_id))


@blueprint.delete("/v1/webhook_endpoints/<endpoint_id>")
def delete_webhook_endpoint(endpoint_id: str) -> Response:
    with current_sandbox().store.write() as conn:
        body = endpoints.delete_endpoint(conn, endpoint_id)
    return json_response(body)


@blueprint.get("/_sandbox/faults")
def show_faults() -> Response:
    return json_response(current_sandbox().faults.settings.as_json())


@blueprint.post("/_sandbox/faults")
def set_faults() -> Response:
    data = request.get_json(silent=True) if request.get_data() else {}
    if not isinstance(data, dict):
        raise invalid_request("Send the faults as a JSON object.")
    settings = FaultSettings.parse(data)
    current_sandbox().faults.configure(settings)
    return json_response(settings.as_json())


@blueprint.post("/_sandbox/flush")
def flush_webhooks() -> Response:
    return json_response(current_sandbox().dispatcher.flush().as_json())


@blueprint.get("/_sandbox/deliveries")
def show_deliveries() -> Response:
    params = _query_params()
    event_id = params.string("event")
    limit = params.integer("limit", minimum=1, maximum=1000) or 100
    params.reject_unknown()
    with current_sandbox().store.read() as conn:
        data = list_deliveries(conn, event_id, limit)
    return json_response({"object": "list", "url": "/_sandbox/deliveries", "data": data})


def _caller() -> Caller:
    caller = g.caller
    assert isinstance(caller, Caller)
    return caller


def _read(load: Callable[[sqlite3.Connection, Params], JSONObject]) -> Response:
    params = _query_params()
    with current_sandbox().store.read() as conn:
        body = load(conn, params)
    return json_response(body)


def _mutate(action: Action) -> Response:
    """Run one POST in one transaction, keeping its answer for its idempotency key.

    An ApiError from the action is an answer like any other: it is stored for
    replay, and what the action wrote before raising it (a declined charge) stays.
    """
    sandbox = current_sandbox()
    caller = _caller()
    key = request.headers.get("Idempotency-Key") or None
    if key is not None and len(key) > MAX_KEY_LENGTH:
        raise invalid_request(
            f"Idempotency keys can be at most {MAX_KEY_LENGTH} characters long.",
            param="Idempotency-Key",
        )
    data = _body_params()
    request_fingerprint = fingerprint(request.method, request.path, data)
    context = RequestContext(g.request_id, key, sandbox.config.api_version)
    with sandbox.store.write() as conn:
        saved = find_answer(conn, caller.api_key, key) if key is not None else None
        if saved is not None:
            if saved.fingerprint != request_fingerprint:
                raise idempotency_error(
                    "Keys for idempotent requests can only be used with the same parameters "
                    f"they were first used with. Try using a key other than '{key}' if you "
                    "meant to execute a different request."
                )
            return json_response(
                saved.body,
                saved.status,
                {
                    "Idempotency-Key": key or "",
                    "Idempotent-Replayed": "true",
                    "Original-Request": saved.request_id,
                },
            )
        try:
            status, body = 200, action(conn, Params(data), context)
        except ApiError as err:
            status, body = err.status, err.body()
        if key is not None:
            answer = SavedAnswer(request_fingerprint, g.request_id, status, body)
            save_answer(conn, caller.api_key, key, answer)
    sandbox.dispatcher.wake()
    return json_response(body, status, {"Idempotency-Key": key} if key else None)


def _query_params() -> Params:
    return Params(parse_pairs(parse_qsl(request.query_string.decode(), keep_blank_values=True)))


def _body_params() -> FormDict:
    if request.mimetype == "application/json":
        return parse_json(request.get_data())
    return parse_form(request.get_data(as_text=True))
