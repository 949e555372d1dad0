"""Refunds: partial, full, never more than was paid."""

from __future__ import annotations

from typing import Any, cast

import pytest
import stripe


def error_json(error: stripe.StripeError) -> dict[str, Any]:
    body = error.json_body
    assert isinstance(body, dict)
    return cast(dict[str, Any], body["error"])


@pytest.fixture
def paid_intent(payments_sandbox_client) -> stripe.PaymentIntent:
    intent: stripe.PaymentIntent = payments_sandbox_client.v1.payment_intents.create(
        params={
            "amount": 10000,
            "currency": "cny",
            "payment_method": "pm_card_visa",
            "confirm": True,
        }
    )
    return intent


def test_partial_refund_leaves_the_rest_refundable(payments_sandbox_client, paid_intent) -> None:
    refund = payments_sandbox_client.v1.refunds.create(
        params={"payment_intent": paid_intent.id, "amount": 3000, "reason": "requested_by_customer"}
    )

    assert refund.id.startswith("re_")
    assert refund.status == "succeeded"
    assert refund.amount == 3000
    assert refund.payment_intent == paid_intent.id
    assert refund.charge == paid_intent.latest_charge
    charge = payments_sandbox_client.v1.charges.retrieve(paid_intent.latest_charge)
    assert charge.amount_refunded == 3000
    assert charge.refunded is False
    intent = payments_sandbox_client.v1.payment_intents.retrieve(paid_intent.id)
    assert intent["amount_refunded"] == 3000
    assert payments_sandbox_client.v1.refunds.retrieve(refund.id).amount == 3000


def test_refund_without_amount_refunds_what_is_left(payments_sandbox_client, paid_intent) -> None:
    payments_sandbox_client.v1.refunds.create(
        params={"payment_intent": paid_intent.id, "amount": 2500}
    )

    rest = payments_sandbox_client.v1.refunds.create(params={"charge": paid_intent.latest_charge})

    assert rest.amount == 7500
    charge = payments_sandbox_client.v1.charges.retrieve(paid_intent.latest_charge)
    assert charge.amount_refunded == 10000
    assert charge.refunded is True


def test_refund_above_what_is_left_is_refused(payments_sandbox_client, paid_intent) -> None:
    payments_sandbox_client.v1.refunds.create(
        params={"payment_intent": paid_intent.id, "amount": 6000}
    )

    with pytest.raises(stripe.InvalidRequestError) as raised:
        payments_sandbox_client.v1.refunds.create(
            params={"payment_intent": paid_intent.id, "amount": 4001}
        )

    assert raised.value.http_status == 400
    assert error_json(raised.value)["type"] == "invalid_request_error"
    assert raised.value.param == "amount"
    charge = payments_sandbox_client.v1.charges.retrieve(paid_intent.latest_charge)
    assert charge.amount_refunded == 6000


def test_fully_refunded_charge_refuses_more(payments_sandbox_client, paid_intent) -> None:
    payments_sandbox_client.v1.refunds.create(params={"payment_intent": paid_intent.id})

    with pytest.raises(stripe.InvalidRequestError) as raised:
        payments_sandbox_client.v1.refunds.create(
            params={"payment_intent": paid_intent.id, "amount": 1}
        )

    assert raised.value.code == "charge_already_refunded"


def test_unpaid_intent_cannot_be_refunded(payments_sandbox_client) -> None:
    intent = payments_sandbox_client.v1.payment_intents.create(
        params={"amount": 500, "currency": "cny"}
    )

    with pytest.raises(stripe.InvalidRequestError) as raised:
        payments_sandbox_client.v1.refunds.create(params={"payment_intent": intent.id})

    assert raised.value.http_status == 400


def test_refund_announces_refund_created_and_charge_refunded(
    payments_sandbox, payments_sandbox_client, paid_intent
) -> None:
    refund = payments_sandbox_client.v1.refunds.create(
        params={"payment_intent": paid_intent.id, "amount": 100}
    )

    created = payments_sandbox.events_about(refund.id, "refund.created")
    refunded = payments_sandbox.events_about(paid_intent.latest_charge, "charge.refunded")
    assert len(created) == 1
    assert created[0].data.object["amount"] == 100
    assert len(refunded) == 1
    assert refunded[0].data.object["amount_refunded"] == 100
    assert refunded[0].data.previous_attributes["amount_refunded"] == 0


def test_refund_metadata_update_announces_refund_updated(
    payments_sandbox, payments_sandbox_client, paid_intent
) -> None:
    refund = payments_sandbox_client.v1.refunds.create(
        params={"payment_intent": paid_intent.id, "amount": 100}
    )

    updated = payments_sandbox_client.v1.refunds.update(
        refund.id, params={"metadata": {"ticket": "T-7"}}
    )

    assert updated.metadata["ticket"] == "T-7"
    events = payments_sandbox.events_about(refund.id, "refund.updated")
    assert len(events) == 1
    assert events[0].data.previous_attributes["metadata"].to_dict() == {}
