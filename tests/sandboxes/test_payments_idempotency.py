"""Idempotency-Key: a repeat replays the first answer, another body is refused."""

from __future__ import annotations

import threading
import uuid
from typing import Any, cast

import httpx
import pytest
import stripe


def error_json(error: stripe.StripeError) -> dict[str, Any]:
    body = error.json_body
    assert isinstance(body, dict)
    return cast(dict[str, Any], body["error"])


def test_repeat_with_the_same_key_replays_the_first_answer(payments_sandbox) -> None:
    key = f"donation-{uuid.uuid4()}"
    form = {"amount": "1200", "currency": "cny", "metadata[donation_id]": key}

    with payments_sandbox.http() as http:
        first = http.post("/v1/payment_intents", data=form, headers={"Idempotency-Key": key})
        second = http.post("/v1/payment_intents", data=form, headers={"Idempotency-Key": key})

    assert first.status_code == second.status_code == 200
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert len(payments_sandbox.events_about(first.json()["id"], "payment_intent.created")) == 1


def test_sdk_idempotency_key_returns_the_same_intent(payments_sandbox_client) -> None:
    key = str(uuid.uuid4())
    params = {"amount": 800, "currency": "cny"}

    first = payments_sandbox_client.v1.payment_intents.create(
        params=params, options={"idempotency_key": key}
    )
    second = payments_sandbox_client.v1.payment_intents.create(
        params=params, options={"idempotency_key": key}
    )

    assert second.id == first.id


def test_same_key_with_another_body_is_an_idempotency_error(payments_sandbox_client) -> None:
    key = str(uuid.uuid4())
    payments_sandbox_client.v1.payment_intents.create(
        params={"amount": 800, "currency": "cny"}, options={"idempotency_key": key}
    )

    with pytest.raises(stripe.IdempotencyError) as raised:
        payments_sandbox_client.v1.payment_intents.create(
            params={"amount": 900, "currency": "cny"}, options={"idempotency_key": key}
        )

    assert raised.value.http_status == 400
    assert error_json(raised.value)["type"] == "idempotency_error"


def test_declined_confirm_is_replayed_not_charged_again(
    payments_sandbox, payments_sandbox_client
) -> None:
    intent = payments_sandbox_client.v1.payment_intents.create(
        params={"amount": 800, "currency": "cny"}
    )
    key = str(uuid.uuid4())
    form = {"payment_method": "pm_card_chargeDeclined"}

    with payments_sandbox.http() as http:
        url = f"/v1/payment_intents/{intent.id}/confirm"
        first = http.post(url, data=form, headers={"Idempotency-Key": key})
        second = http.post(url, data=form, headers={"Idempotency-Key": key})

    assert first.status_code == second.status_code == 402
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert len(payments_sandbox.events_about(intent.id, "payment_intent.payment_failed")) == 1


def test_concurrent_requests_with_one_key_create_one_intent(payments_sandbox) -> None:
    key = str(uuid.uuid4())
    form = {"amount": "4200", "currency": "cny"}
    start = threading.Barrier(8)
    answers: list[httpx.Response] = []
    lock = threading.Lock()

    def post() -> None:
        with payments_sandbox.http() as http:
            start.wait()
            response = http.post("/v1/payment_intents", data=form, headers={"Idempotency-Key": key})
        with lock:
            answers.append(response)

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [answer.status_code for answer in answers] == [200] * 8
    assert len({answer.json()["id"] for answer in answers}) == 1
    originals = [a for a in answers if a.headers.get("Idempotent-Replayed") != "true"]
    assert len(originals) == 1
    intent_id = answers[0].json()["id"]
    assert len(payments_sandbox.events_about(intent_id, "payment_intent.created")) == 1


def test_keys_are_kept_per_api_key(payments_sandbox, payments_sandbox_client) -> None:
    key = str(uuid.uuid4())
    intent = payments_sandbox_client.v1.payment_intents.create(
        params={"amount": 800, "currency": "cny"}, options={"idempotency_key": key}
    )
    form = {"payment_method": "pm_card_visa", "client_secret": intent.client_secret}

    with payments_sandbox.http("pk_test_sandbox") as browser:
        confirmed = browser.post(
            f"/v1/payment_intents/{intent.id}/confirm",
            data=form,
            headers={"Idempotency-Key": key},
        )

    assert confirmed.status_code == 200, confirmed.json()
    assert confirmed.json()["status"] == "succeeded"
