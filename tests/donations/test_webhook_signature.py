"""`POST /api/payments/webhook` believes only a fresh signature by one of our secrets."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import func, select

from core.db import db
from donations.giving.models import Donation, DonationStatus, ProviderEvent
from donations.payments.signature import sign
from tests.donations.conftest import post_webhook
from tests.donations.factories import (
    DonationRef,
    entries_of,
    make_donation,
    make_project,
    succeeded_event,
)
from tests.factories import fresh

pytestmark = pytest.mark.usefixtures("ctx", "webhook_secret")


def _pending_donation() -> DonationRef:
    return make_donation(make_project(), 5_000)


def _provider_events() -> int:
    return db.session.scalar(select(func.count()).select_from(ProviderEvent)) or 0


def _assert_untouched(donation_id: str) -> None:
    assert fresh(Donation, donation_id).status == DonationStatus.PENDING
    assert entries_of(donation_id) == 0
    assert _provider_events() == 0


def test_a_correctly_signed_event_is_applied(client):
    donation = _pending_donation()

    response = post_webhook(client, succeeded_event(donation))

    assert response.status_code == 200
    assert response.json == {"received": True, "outcome": "applied"}
    assert fresh(Donation, donation.id).status == DonationStatus.SUCCEEDED


def test_tampered_body_is_refused(client):
    donation = _pending_donation()
    event = succeeded_event(donation)
    signature = sign(json.dumps(event).encode(), "whsec_test_unit")
    event["data"]["object"]["amount_received"] = 1

    response = post_webhook(client, event, signature=signature)

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_signature"
    _assert_untouched(donation.id)


@pytest.mark.parametrize("age_s", [301, 3600, -301])
def test_signature_outside_five_minutes_is_refused(client, age_s):
    donation = _pending_donation()

    response = post_webhook(client, succeeded_event(donation), timestamp=int(time.time()) - age_s)

    assert response.status_code == 400
    _assert_untouched(donation.id)


def test_signature_within_tolerance_is_accepted(client):
    donation = _pending_donation()

    response = post_webhook(client, succeeded_event(donation), timestamp=int(time.time()) - 240)

    assert response.status_code == 200
    assert fresh(Donation, donation.id).status == DonationStatus.SUCCEEDED


def test_signature_by_another_secret_is_refused(client):
    donation = _pending_donation()

    response = post_webhook(client, succeeded_event(donation), secret="whsec_someone_else")

    assert response.status_code == 400
    _assert_untouched(donation.id)


@pytest.mark.parametrize("header", ["", "t=123", "v1=abc", "garbage", "t=abc,v1=def"])
def test_missing_or_malformed_signature_header_is_refused(client, header):
    donation = _pending_donation()
    body = json.dumps(succeeded_event(donation)).encode()

    response = client.post(
        "/api/payments/webhook",
        data=body,
        headers={"Stripe-Signature": header} if header else {},
    )

    assert response.status_code == 400
    _assert_untouched(donation.id)


def test_during_rotation_either_secret_verifies(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAYMENT_WEBHOOK_SECRETS", "whsec_old, whsec_new")
    donations = [_pending_donation() for _ in range(3)]
    events = [succeeded_event(donation) for donation in donations]

    assert post_webhook(client, events[0], secret="whsec_old").status_code == 200
    assert post_webhook(client, events[1], secret="whsec_new").status_code == 200
    refused = post_webhook(client, events[2], secret="whsec_test_unit")

    assert refused.status_code == 400
    statuses = [fresh(Donation, donation.id).status for donation in donations]
    assert statuses == [DonationStatus.SUCCEEDED, DonationStatus.SUCCEEDED, DonationStatus.PENDING]


def test_one_matching_v1_among_several_is_enough(client):
    donation = _pending_donation()
    body = json.dumps(succeeded_event(donation)).encode()
    t = int(time.time())
    good = sign(body, "whsec_test_unit", t).split("v1=")[1]
    wrong = sign(body, "whsec_other", t).split("v1=")[1]

    response = post_webhook(client, body, signature=f"t={t},v1={wrong},v1={good}")

    assert response.status_code == 200
    assert fresh(Donation, donation.id).status == DonationStatus.SUCCEEDED


def test_several_v1_values_none_matching_are_refused(client):
    donation = _pending_donation()
    body = json.dumps(succeeded_event(donation)).encode()
    t = int(time.time())
    wrong = [sign(body, f"whsec_other_{i}", t).split("v1=")[1] for i in range(3)]

    response = post_webhook(client, body, signature=f"t={t}," + ",".join(f"v1={w}" for w in wrong))

    assert response.status_code == 400
    _assert_untouched(donation.id)


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[1, 2, 3]",
        b'{"id": "not-an-event", "type": "payment_intent.succeeded"}',
        b"",
    ],
)
def test_signed_body_that_is_not_an_event_is_refused(client, body):
    response = post_webhook(client, body)

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"
    assert _provider_events() == 0
