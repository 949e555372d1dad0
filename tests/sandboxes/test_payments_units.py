"""The sandbox's small parts, in process: form parsing, signing, fault settings, the app factory."""

from __future__ import annotations

import time

import pytest
import stripe

from sandboxes.payments import create_app
from sandboxes.payments.errors import ApiError
from sandboxes.payments.faults import FaultSettings
from sandboxes.payments.forms import Params, parse_form, parse_json
from sandboxes.payments.webhooks import signature_header


def test_bracketed_keys_become_nested_values() -> None:
    parsed = parse_form(
        "amount=100&metadata[donation_id]=d%201&metadata[need]=&enabled_events[]=a.b"
        "&enabled_events[]=c.d&types[0]=x.y&types[1]=z.w&created[gte]=5"
    )

    assert parsed == {
        "amount": "100",
        "metadata": {"donation_id": "d 1", "need": ""},
        "enabled_events": ["a.b", "c.d"],
        "types": {"0": "x.y", "1": "z.w"},
        "created": {"gte": "5"},
    }


def test_lists_are_read_in_both_spellings() -> None:
    params = Params(parse_form("a[]=1&a[]=2&b[1]=y&b[0]=x&b[10]=z"))

    assert params.strings("a") == ["1", "2"]
    assert params.strings("b") == ["x", "y", "z"]


def test_json_bodies_fold_into_the_form_shape() -> None:
    parsed = parse_json(b'{"amount": 100, "confirm": true, "metadata": {"k": "v"}}')

    params = Params(parsed)
    assert params.integer("amount") == 100
    assert params.boolean("confirm") is True
    assert params.metadata() == {"k": "v"}


def test_metadata_empty_values_unset_keys() -> None:
    params = Params(parse_form("metadata[keep]=1&metadata[drop]="))

    assert params.metadata({"drop": "old", "other": "x"}) == {"keep": "1", "other": "x"}


@pytest.mark.parametrize("body", ["a=1&a[b]=2", "a[b]=1&a=2", "a=1&a=2", "a[][b]=1"])
def test_conflicting_or_odd_keys_are_refused(body: str) -> None:
    with pytest.raises(ApiError) as raised:
        parse_form(body)

    assert raised.value.status == 400


def test_unread_parameters_are_unknown() -> None:
    params = Params(parse_form("amount=1&expand[]=x&colour=red"))
    params.integer("amount")

    with pytest.raises(ApiError) as raised:
        params.reject_unknown()

    assert raised.value.param == "colour"


def test_signature_header_is_what_stripe_verifies() -> None:
    payload = '{"id": "evt_1", "object": "event"}'
    header = signature_header(payload, "whsec_abc", int(time.time()))

    assert stripe.WebhookSignature.verify_header(payload, header, "whsec_abc")
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.WebhookSignature.verify_header(payload + " ", header, "whsec_abc")


def test_empty_fault_settings_clear_everything() -> None:
    assert FaultSettings.parse({}) == FaultSettings()
    assert FaultSettings.parse({"webhook_delay_ms": 5}).webhook_delay_ms == (5, 5)
    with pytest.raises(ApiError):
        FaultSettings.parse({"webhook_drop_rate": 1.5})
    with pytest.raises(ApiError):
        FaultSettings.parse({"webhook_lose_rate": 0.5})


def test_create_app_serves_in_process(tmp_path) -> None:
    app = create_app(
        {"SANDBOX_DB": str(tmp_path / "nested" / "db.sqlite3"), "SANDBOX_START_DISPATCHER": False}
    )
    client = app.test_client()
    auth = {"Authorization": "Bearer sk_test_sandbox"}

    created = client.post(
        "/v1/payment_intents", data={"amount": "100", "currency": "cny"}, headers=auth
    )
    flushed = client.post("/_sandbox/flush", headers=auth)

    assert client.get("/healthz").status_code == 200
    assert created.status_code == 200
    assert created.get_json()["status"] == "requires_payment_method"
    assert created.headers["Request-Id"].startswith("req_")
    assert flushed.get_json()["pending"] == 0
    assert client.get("/v1/nowhere", headers=auth).status_code == 404
