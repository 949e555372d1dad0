"""The sandbox keeps its state, its queue and its configured endpoint across restarts."""

from __future__ import annotations

import uuid

import stripe


def test_state_survives_a_restart(payments_sandbox_launcher) -> None:
    sandbox = payments_sandbox_launcher()
    key = str(uuid.uuid4())
    params = {"amount": 6000, "currency": "cny", "payment_method": "pm_card_visa", "confirm": True}
    intent = sandbox.client().v1.payment_intents.create(
        params=params, options={"idempotency_key": key}
    )
    refund = sandbox.client().v1.refunds.create(
        params={"payment_intent": intent.id, "amount": 1000}
    )

    sandbox.restart()
    client = sandbox.client()

    again = client.v1.payment_intents.retrieve(intent.id)
    assert again.status == "succeeded"
    assert again.client_secret == intent.client_secret
    assert client.v1.refunds.retrieve(refund.id).amount == 1000
    assert client.v1.charges.retrieve(intent.latest_charge).amount_refunded == 1000
    assert [e.type for e in client.v1.events.list().data] == [
        "charge.refunded",
        "refund.created",
        "payment_intent.succeeded",
        "payment_intent.created",
    ]
    replay = client.v1.payment_intents.create(params=params, options={"idempotency_key": key})
    assert replay.id == intent.id


def test_undelivered_webhooks_are_sent_after_a_restart(
    payments_sandbox_launcher, payments_sandbox_receiver
) -> None:
    sandbox = payments_sandbox_launcher()
    payments_sandbox_receiver.default_status = 503
    endpoint = sandbox.client().v1.webhook_endpoints.create(
        params={"url": payments_sandbox_receiver.url, "enabled_events": ["*"]}
    )
    intent = sandbox.client().v1.payment_intents.create(params={"amount": 100, "currency": "cny"})
    payments_sandbox_receiver.wait_for(intent.id, "payment_intent.created", accepted=False)

    sandbox.stop()
    payments_sandbox_receiver.default_status = 200
    sandbox.start()

    posts = payments_sandbox_receiver.wait_for(intent.id, "payment_intent.created")
    assert posts[-1].answered == 200
    stripe.Webhook.construct_event(posts[-1].body, posts[-1].signature, endpoint.secret)


def test_preregistered_endpoint_receives_every_event_once_configured(
    payments_sandbox_launcher, payments_sandbox_receiver
) -> None:
    secret = "whsec_platform_dev_secret"
    sandbox = payments_sandbox_launcher(
        SANDBOX_WEBHOOK_URL=payments_sandbox_receiver.url, SANDBOX_WEBHOOK_SECRET=secret
    )
    (endpoint,) = sandbox.client().v1.webhook_endpoints.list().data

    sandbox.restart()
    intent = sandbox.client().v1.payment_intents.create(
        params={"amount": 100, "currency": "cny", "payment_method": "pm_card_visa", "confirm": True}
    )

    assert [e.id for e in sandbox.client().v1.webhook_endpoints.list().data] == [endpoint.id]
    assert endpoint.enabled_events == ["*"]
    assert endpoint.url == payments_sandbox_receiver.url
    payments_sandbox_receiver.wait_for(intent.id, "payment_intent.created")
    payments_sandbox_receiver.wait_for(intent.id, "payment_intent.succeeded")
    for post in payments_sandbox_receiver.received():
        stripe.Webhook.construct_event(post.body, post.signature, secret)
