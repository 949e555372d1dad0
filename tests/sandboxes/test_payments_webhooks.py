"""Webhooks: endpoints, Stripe signatures, retries, and the injected faults."""

from __future__ import annotations

from typing import Any, cast

import pytest
import stripe


def error_json(error: stripe.StripeError) -> dict[str, Any]:
    body = error.json_body
    assert isinstance(body, dict)
    return cast(dict[str, Any], body["error"])


def paid_intent(client: stripe.StripeClient) -> stripe.PaymentIntent:
    return client.v1.payment_intents.create(
        params={
            "amount": 2000,
            "currency": "cny",
            "payment_method": "pm_card_visa",
            "confirm": True,
        }
    )


def test_endpoint_gets_a_signing_secret(payments_sandbox_client, payments_sandbox_receiver) -> None:
    endpoint = payments_sandbox_client.v1.webhook_endpoints.create(
        params={"url": payments_sandbox_receiver.url, "enabled_events": ["charge.refunded"]}
    )
    try:
        assert endpoint.id.startswith("we_")
        assert endpoint.object == "webhook_endpoint"
        assert endpoint.secret.startswith("whsec_")
        assert endpoint.enabled_events == ["charge.refunded"]
        assert endpoint.url == payments_sandbox_receiver.url
        assert "secret" not in payments_sandbox_client.v1.webhook_endpoints.retrieve(endpoint.id)
    finally:
        payments_sandbox_client.v1.webhook_endpoints.delete(endpoint.id)


def test_deleted_endpoint_is_gone_and_receives_nothing(
    payments_sandbox, payments_sandbox_client, payments_sandbox_receiver
) -> None:
    endpoint = payments_sandbox_client.v1.webhook_endpoints.create(
        params={"url": payments_sandbox_receiver.url, "enabled_events": ["*"]}
    )

    deleted = payments_sandbox_client.v1.webhook_endpoints.delete(endpoint.id)
    intent = paid_intent(payments_sandbox_client)
    payments_sandbox.flush()

    assert deleted.deleted is True
    assert deleted.id == endpoint.id
    with pytest.raises(stripe.InvalidRequestError) as raised:
        payments_sandbox_client.v1.webhook_endpoints.retrieve(endpoint.id)
    assert raised.value.code == "resource_missing"
    assert payments_sandbox_receiver.posts_about(intent.id) == []


def test_every_delivery_passes_stripes_signature_check(
    payments_sandbox, payments_sandbox_client, payments_sandbox_endpoint
) -> None:
    intent = paid_intent(payments_sandbox_client)
    refund = payments_sandbox_client.v1.refunds.create(
        params={"payment_intent": intent.id, "amount": 500}
    )
    receiver = payments_sandbox_endpoint.receiver

    receiver.wait_for(intent.id, "payment_intent.created")
    receiver.wait_for(intent.id, "payment_intent.succeeded")
    receiver.wait_for(refund.id, "refund.created")
    receiver.wait_for(intent.latest_charge, "charge.refunded")

    events = payments_sandbox_endpoint.verify_all()
    assert len(events) == len(receiver.received()) >= 4
    succeeded = next(e for e in events if e.type == "payment_intent.succeeded")
    listed = payments_sandbox_client.v1.events.retrieve(succeeded.id)
    assert listed.data.object == succeeded.data.object
    assert succeeded.data.object["status"] == "succeeded"
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(
            receiver.received()[0].body, receiver.received()[0].signature, "whsec_wrong"
        )


def test_failed_payment_and_cancel_are_delivered(
    payments_sandbox_client, payments_sandbox_endpoint
) -> None:
    intent = payments_sandbox_client.v1.payment_intents.create(
        params={"amount": 900, "currency": "cny"}
    )
    with pytest.raises(stripe.CardError):
        payments_sandbox_client.v1.payment_intents.confirm(
            intent.id, params={"payment_method": "pm_card_chargeDeclinedInsufficientFunds"}
        )
    payments_sandbox_client.v1.payment_intents.cancel(intent.id)
    receiver = payments_sandbox_endpoint.receiver

    failed = receiver.wait_for(intent.id, "payment_intent.payment_failed")[0].event
    canceled = receiver.wait_for(intent.id, "payment_intent.canceled")[0].event

    error = failed["data"]["object"]["last_payment_error"]
    assert error["decline_code"] == "insufficient_funds"
    assert canceled["data"]["object"]["status"] == "canceled"
    payments_sandbox_endpoint.verify_all()


def test_endpoint_receives_only_its_enabled_events(
    payments_sandbox, payments_sandbox_client, payments_sandbox_receiver
) -> None:
    endpoint = payments_sandbox_client.v1.webhook_endpoints.create(
        params={
            "url": payments_sandbox_receiver.url,
            "enabled_events": ["payment_intent.succeeded"],
        }
    )
    try:
        intent = paid_intent(payments_sandbox_client)
        payments_sandbox_receiver.wait_for(intent.id, "payment_intent.succeeded")
        payments_sandbox.flush()
    finally:
        payments_sandbox_client.v1.webhook_endpoints.delete(endpoint.id)

    types = {post.event["type"] for post in payments_sandbox_receiver.received()}
    assert types == {"payment_intent.succeeded"}


def test_delivery_is_retried_until_answered_2xx(
    payments_sandbox, payments_sandbox_client, payments_sandbox_endpoint
) -> None:
    receiver = payments_sandbox_endpoint.receiver
    receiver.answer_next_with(500, 503)

    intent = payments_sandbox_client.v1.payment_intents.create(
        params={"amount": 1500, "currency": "cny"}
    )
    posts = receiver.wait_for(intent.id, "payment_intent.created", count=3)

    assert [post.answered for post in posts] == [500, 503, 200]
    assert len({post.event["id"] for post in posts}) == 1
    payments_sandbox_endpoint.verify_all()
    (delivery,) = payments_sandbox.deliveries(posts[0].event["id"])
    assert delivery["status"] == "delivered"
    assert delivery["attempts"] == 3
    assert delivery["last_status_code"] == 200


def test_flush_delivers_delayed_webhooks_now(
    payments_sandbox, payments_sandbox_client, payments_sandbox_endpoint, payments_sandbox_faults
) -> None:
    payments_sandbox_faults(webhook_delay_ms=[600_000, 600_000])

    intent = payments_sandbox_client.v1.payment_intents.create(
        params={"amount": 1500, "currency": "cny"}
    )
    report = payments_sandbox.flush()

    assert report["delivered"] >= 1
    assert len(payments_sandbox_endpoint.receiver.posts_about(intent.id)) == 1


def test_dropped_delivery_is_never_sent_but_the_event_stays_listed(
    payments_sandbox, payments_sandbox_client, payments_sandbox_endpoint, payments_sandbox_faults
) -> None:
    payments_sandbox_faults(webhook_drop_rate=1.0)
    intent = payments_sandbox_client.v1.payment_intents.create(
        params={"amount": 1500, "currency": "cny"}
    )
    payments_sandbox.flush()
    (event,) = payments_sandbox.events_about(intent.id, "payment_intent.created")

    payments_sandbox.set_faults()
    payments_sandbox.flush()

    assert [d["status"] for d in payments_sandbox.deliveries(event.id)] == ["dropped"]
    assert payments_sandbox_endpoint.receiver.posts_about(intent.id) == []
    assert payments_sandbox_client.v1.events.retrieve(event.id).type == "payment_intent.created"


def test_duplicated_delivery_arrives_twice_with_valid_signatures(
    payments_sandbox_client, payments_sandbox_endpoint, payments_sandbox_faults
) -> None:
    payments_sandbox_faults(webhook_duplicate_rate=1.0, seed=7)

    intent = payments_sandbox_client.v1.payment_intents.create(
        params={"amount": 1500, "currency": "cny"}
    )
    posts = payments_sandbox_endpoint.receiver.wait_for(
        intent.id, "payment_intent.created", count=2
    )

    assert len(posts) == 2
    assert posts[0].event["id"] == posts[1].event["id"]
    payments_sandbox_endpoint.verify_all()


def test_reordered_deliveries_all_arrive(
    payments_sandbox, payments_sandbox_client, payments_sandbox_endpoint, payments_sandbox_faults
) -> None:
    payments_sandbox_faults(webhook_reorder=True, webhook_delay_ms=[600_000, 600_000], seed=3)
    intents = [
        payments_sandbox_client.v1.payment_intents.create(params={"amount": 100, "currency": "cny"})
        for _ in range(5)
    ]

    payments_sandbox.flush()

    received = {
        post.event["data"]["object"]["id"] for post in payments_sandbox_endpoint.receiver.received()
    }
    assert received == {intent.id for intent in intents}
    payments_sandbox_endpoint.verify_all()


def test_api_error_rate_fails_calls_before_they_do_anything(
    payments_sandbox, payments_sandbox_faults
) -> None:
    client = payments_sandbox.client(max_network_retries=0)
    # An event of our own first: run alone or first, the sandbox may have none yet.
    client.v1.payment_intents.create(params={"amount": 100, "currency": "cny"})
    newest = client.v1.events.list(params={"limit": 1}).data[0].id
    payments_sandbox_faults(api_error_rate=1.0)

    with pytest.raises(stripe.APIError) as raised:
        client.v1.payment_intents.create(params={"amount": 100, "currency": "cny"})
    payments_sandbox.set_faults()

    assert raised.value.http_status == 500
    assert error_json(raised.value)["type"] == "api_error"
    assert client.v1.events.list(params={"limit": 1}).data[0].id == newest


def test_fault_controls_need_the_secret_key(payments_sandbox) -> None:
    with payments_sandbox.http("pk_test_sandbox") as browser:
        refused = browser.post("/_sandbox/faults", json={"webhook_drop_rate": 1.0})
    with payments_sandbox.http(key=None) as anonymous:
        flush = anonymous.post("/_sandbox/flush")
    with payments_sandbox.http() as http:
        invalid = http.post("/_sandbox/faults", json={"webhook_drop_rate": 2})
        current = http.get("/_sandbox/faults").json()

    assert refused.status_code == 401
    assert flush.status_code == 401
    assert invalid.status_code == 400
    assert current["webhook_drop_rate"] == 0
