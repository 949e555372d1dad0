"""The event list: Stripe's envelope, newest first, cursors and filters."""

from __future__ import annotations

import pytest
import stripe


def create_three_intents(client: stripe.StripeClient) -> list[str]:
    return [
        client.v1.payment_intents.create(params={"amount": 100 + i, "currency": "cny"}).id
        for i in range(3)
    ]


def intent_ids(page: stripe.ListObject[stripe.Event]) -> list[str]:
    return [event.data.object["id"] for event in page.data]


def test_list_is_newest_first_in_stripes_envelope(payments_sandbox) -> None:
    with payments_sandbox.http() as http:
        body = http.get("/v1/events", params={"limit": 2}).json()

    assert body["object"] == "list"
    assert body["url"] == "/v1/events"
    assert isinstance(body["has_more"], bool)
    assert len(body["data"]) <= 2
    assert all(event["object"] == "event" for event in body["data"])


def test_pages_follow_starting_after_and_ending_before(payments_sandbox_client) -> None:
    first, second, third = create_three_intents(payments_sandbox_client)
    events = payments_sandbox_client.v1.events

    page1 = events.list(params={"type": "payment_intent.created", "limit": 2})
    page2 = events.list(
        params={
            "type": "payment_intent.created",
            "limit": 1,
            "starting_after": page1.data[-1].id,
        }
    )
    back = events.list(
        params={"type": "payment_intent.created", "limit": 2, "ending_before": page2.data[0].id}
    )

    assert intent_ids(page1) == [third, second]
    assert page1.has_more is True
    assert intent_ids(page2) == [first]
    assert intent_ids(back) == [third, second]


def test_auto_paging_walks_every_event_once(payments_sandbox_client) -> None:
    create_three_intents(payments_sandbox_client)

    ids = [
        event.id
        for event in payments_sandbox_client.v1.events.list(params={"limit": 2}).auto_paging_iter()
    ]

    assert len(ids) == len(set(ids)) >= 3


def test_type_and_types_filter(payments_sandbox_client) -> None:
    intent = payments_sandbox_client.v1.payment_intents.create(
        params={"amount": 700, "currency": "cny", "payment_method": "pm_card_visa", "confirm": True}
    )
    payments_sandbox_client.v1.refunds.create(params={"payment_intent": intent.id, "amount": 7})

    succeeded = payments_sandbox_client.v1.events.list(
        params={"type": "payment_intent.succeeded", "limit": 5}
    )
    money = payments_sandbox_client.v1.events.list(
        params={"types": ["refund.created", "charge.refunded"], "limit": 5}
    )
    any_intent = payments_sandbox_client.v1.events.list(
        params={"type": "payment_intent.*", "limit": 5}
    )

    assert {event.type for event in succeeded.data} == {"payment_intent.succeeded"}
    assert succeeded.data[0].data.object["id"] == intent.id
    assert {event.type for event in money.data} == {"refund.created", "charge.refunded"}
    assert [event.type for event in money.data[:2]] == ["charge.refunded", "refund.created"]
    assert {event.type.split(".")[0] for event in any_intent.data} == {"payment_intent"}


def test_created_filter(payments_sandbox_client) -> None:
    intent_id = create_three_intents(payments_sandbox_client)[-1]
    event = payments_sandbox_client.v1.events.list(
        params={"type": "payment_intent.created", "limit": 1}
    ).data[0]
    assert event.data.object["id"] == intent_id

    since = payments_sandbox_client.v1.events.list(
        params={"created": {"gte": event.created}, "limit": 100}
    )
    before = payments_sandbox_client.v1.events.list(
        params={"created": {"lt": event.created}, "limit": 100}
    )

    assert event.id in {e.id for e in since.data}
    assert all(e.created >= event.created for e in since.data)
    assert event.id not in {e.id for e in before.data}
    assert all(e.created < event.created for e in before.data)


def test_event_has_stripes_shape_and_can_be_retrieved(payments_sandbox_client) -> None:
    intent = payments_sandbox_client.v1.payment_intents.create(
        params={"amount": 300, "currency": "cny", "metadata": {"donation_id": "d-e"}},
        options={"idempotency_key": "events-shape-key-1"},
    )
    listed = payments_sandbox_client.v1.events.list(
        params={"type": "payment_intent.created", "limit": 1}
    ).data[0]

    event = payments_sandbox_client.v1.events.retrieve(listed.id)

    assert event.id.startswith("evt_")
    assert event.object == "event"
    assert event.type == "payment_intent.created"
    assert event.livemode is False
    assert event.api_version
    assert isinstance(event.created, int)
    assert isinstance(event.pending_webhooks, int)
    assert event.request.idempotency_key == "events-shape-key-1"
    assert event.data.object["id"] == intent.id
    assert event.data.object["metadata"]["donation_id"] == "d-e"


@pytest.mark.parametrize("limit", [0, 101])
def test_limit_outside_1_to_100_is_refused(payments_sandbox_client, limit: int) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        payments_sandbox_client.v1.events.list(params={"limit": limit})

    assert raised.value.param == "limit"


def test_unknown_event_is_resource_missing(payments_sandbox_client) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        payments_sandbox_client.v1.events.retrieve("evt_missing")

    assert raised.value.http_status == 404
    assert raised.value.code == "resource_missing"
