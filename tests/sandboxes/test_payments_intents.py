"""Payment intents through Stripe's SDK: create, retrieve, confirm, decline, cancel, keys."""

from __future__ import annotations

from typing import Any, cast

import pytest
import stripe

PAYMENTS_PUBLISHABLE_KEY = "pk_test_sandbox"


def error_json(error: stripe.StripeError) -> dict[str, Any]:
    body = error.json_body
    assert isinstance(body, dict)
    return cast(dict[str, Any], body["error"])


def create_intent(client: stripe.StripeClient, **params: object) -> stripe.PaymentIntent:
    return client.v1.payment_intents.create(
        params={"amount": 5000, "currency": "cny", **params}  # type: ignore[typeddict-item]
    )


def test_create_returns_an_intent_waiting_for_a_payment_method(payments_sandbox_client) -> None:
    intent = create_intent(
        payments_sandbox_client, metadata={"donation_id": "don-1"}, description="gift"
    )

    assert intent.id.startswith("pi_")
    assert intent.object == "payment_intent"
    assert intent.status == "requires_payment_method"
    assert intent.amount == 5000
    assert intent.currency == "cny"
    assert intent.metadata["donation_id"] == "don-1"
    assert intent.description == "gift"
    assert (intent.client_secret or "").startswith(f"{intent.id}_secret_")
    assert intent.latest_charge is None
    assert intent.livemode is False


def test_create_with_a_payment_method_waits_for_confirmation(payments_sandbox_client) -> None:
    intent = create_intent(payments_sandbox_client, payment_method="pm_card_visa")

    assert intent.status == "requires_confirmation"
    assert intent.payment_method == "pm_card_visa"


def test_retrieve_returns_the_stored_intent(payments_sandbox_client) -> None:
    created = create_intent(payments_sandbox_client, metadata={"donation_id": "don-2"})

    fetched = payments_sandbox_client.v1.payment_intents.retrieve(created.id)

    assert fetched.id == created.id
    assert fetched.client_secret == created.client_secret
    assert fetched.metadata["donation_id"] == "don-2"


def test_unknown_intent_is_resource_missing(payments_sandbox_client) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        payments_sandbox_client.v1.payment_intents.retrieve("pi_doesnotexist")

    assert raised.value.http_status == 404
    assert raised.value.code == "resource_missing"
    assert raised.value.param == "id"


def test_confirm_with_visa_succeeds_with_a_charge(payments_sandbox_client) -> None:
    intent = create_intent(payments_sandbox_client)

    confirmed = payments_sandbox_client.v1.payment_intents.confirm(
        intent.id, params={"payment_method": "pm_card_visa"}
    )

    assert confirmed.status == "succeeded"
    assert confirmed.amount_received == 5000
    assert confirmed.latest_charge.startswith("ch_")
    assert confirmed.last_payment_error is None
    charge = payments_sandbox_client.v1.charges.retrieve(confirmed.latest_charge)
    assert charge.status == "succeeded"
    assert charge.paid is True
    assert charge.amount == 5000
    assert charge.payment_intent == intent.id


def test_create_and_confirm_in_one_call(payments_sandbox_client) -> None:
    intent = create_intent(payments_sandbox_client, payment_method="pm_card_visa", confirm=True)

    assert intent.status == "succeeded"


@pytest.mark.parametrize(
    ("payment_method", "decline_code", "message"),
    [
        ("pm_card_chargeDeclined", "generic_decline", "Your card was declined."),
        (
            "pm_card_chargeDeclinedInsufficientFunds",
            "insufficient_funds",
            "Your card has insufficient funds.",
        ),
    ],
)
def test_declined_card_answers_402_and_asks_for_another_method(
    payments_sandbox_client, payment_method: str, decline_code: str, message: str
) -> None:
    intent = create_intent(payments_sandbox_client)

    with pytest.raises(stripe.CardError) as raised:
        payments_sandbox_client.v1.payment_intents.confirm(
            intent.id, params={"payment_method": payment_method}
        )

    error = raised.value
    assert error.http_status == 402
    assert error.code == "card_declined"
    assert error_json(error)["type"] == "card_error"
    assert error_json(error)["decline_code"] == decline_code
    assert error.user_message == message
    assert error_json(error)["payment_intent"]["id"] == intent.id
    after = payments_sandbox_client.v1.payment_intents.retrieve(intent.id)
    assert after.status == "requires_payment_method"
    assert after.last_payment_error.code == "card_declined"
    assert after.last_payment_error.decline_code == decline_code
    failed_charge = payments_sandbox_client.v1.charges.retrieve(after.latest_charge)
    assert failed_charge.status == "failed"


def test_declined_intent_can_be_confirmed_again(payments_sandbox_client) -> None:
    intent = create_intent(payments_sandbox_client)
    with pytest.raises(stripe.CardError):
        payments_sandbox_client.v1.payment_intents.confirm(
            intent.id, params={"payment_method": "pm_card_chargeDeclined"}
        )

    retried = payments_sandbox_client.v1.payment_intents.confirm(
        intent.id, params={"payment_method": "pm_card_visa"}
    )

    assert retried.status == "succeeded"
    assert retried.last_payment_error is None


def test_succeeded_intent_cannot_be_confirmed_twice(payments_sandbox_client) -> None:
    intent = create_intent(payments_sandbox_client, payment_method="pm_card_visa", confirm=True)

    with pytest.raises(stripe.InvalidRequestError) as raised:
        payments_sandbox_client.v1.payment_intents.confirm(
            intent.id, params={"payment_method": "pm_card_visa"}
        )

    assert raised.value.code == "payment_intent_unexpected_state"


def test_unknown_payment_method_is_refused(payments_sandbox_client) -> None:
    intent = create_intent(payments_sandbox_client)

    with pytest.raises(stripe.InvalidRequestError) as raised:
        payments_sandbox_client.v1.payment_intents.confirm(
            intent.id, params={"payment_method": "pm_card_nonsense"}
        )

    assert raised.value.param == "payment_method"
    assert payments_sandbox_client.v1.payment_intents.retrieve(intent.id).status == (
        "requires_payment_method"
    )


def test_cancel_ends_the_intent(payments_sandbox_client) -> None:
    intent = create_intent(payments_sandbox_client)

    canceled = payments_sandbox_client.v1.payment_intents.cancel(
        intent.id, params={"cancellation_reason": "abandoned"}
    )

    assert canceled.status == "canceled"
    assert canceled.cancellation_reason == "abandoned"
    assert canceled.canceled_at is not None
    with pytest.raises(stripe.InvalidRequestError) as raised:
        payments_sandbox_client.v1.payment_intents.confirm(
            intent.id, params={"payment_method": "pm_card_visa"}
        )
    assert raised.value.code == "payment_intent_unexpected_state"


def test_succeeded_intent_cannot_be_canceled(payments_sandbox_client) -> None:
    intent = create_intent(payments_sandbox_client, payment_method="pm_card_visa", confirm=True)

    with pytest.raises(stripe.InvalidRequestError) as raised:
        payments_sandbox_client.v1.payment_intents.cancel(intent.id)

    assert raised.value.code == "payment_intent_unexpected_state"


def test_publishable_key_confirms_with_the_client_secret(
    payments_sandbox, payments_sandbox_client
) -> None:
    intent = create_intent(payments_sandbox_client)
    browser = payments_sandbox.client(PAYMENTS_PUBLISHABLE_KEY)

    seen = browser.v1.payment_intents.retrieve(
        intent.id, params={"client_secret": intent.client_secret}
    )
    confirmed = browser.v1.payment_intents.confirm(
        intent.id,
        params={"payment_method": "pm_card_visa", "client_secret": intent.client_secret},
    )

    assert seen.status == "requires_payment_method"
    assert confirmed.status == "succeeded"


def test_publishable_key_needs_the_matching_client_secret(
    payments_sandbox, payments_sandbox_client
) -> None:
    intent = create_intent(payments_sandbox_client)
    other = create_intent(payments_sandbox_client)
    browser = payments_sandbox.client(PAYMENTS_PUBLISHABLE_KEY)

    with pytest.raises(stripe.InvalidRequestError) as wrong_secret:
        browser.v1.payment_intents.confirm(
            intent.id,
            params={"payment_method": "pm_card_visa", "client_secret": other.client_secret},
        )
    with pytest.raises(stripe.InvalidRequestError) as no_secret:
        browser.v1.payment_intents.retrieve(intent.id)

    assert wrong_secret.value.param == "client_secret"
    assert no_secret.value.param == "client_secret"
    assert payments_sandbox_client.v1.payment_intents.retrieve(intent.id).status == (
        "requires_payment_method"
    )


def test_publishable_key_cannot_create_intents(payments_sandbox) -> None:
    browser = payments_sandbox.client(PAYMENTS_PUBLISHABLE_KEY)

    with pytest.raises(stripe.AuthenticationError) as raised:
        create_intent(browser)

    assert raised.value.http_status == 401


def test_wrong_secret_key_is_refused(payments_sandbox) -> None:
    intruder = payments_sandbox.client("sk_test_somebody_else")

    with pytest.raises(stripe.AuthenticationError) as raised:
        create_intent(intruder)

    assert raised.value.http_status == 401
    assert error_json(raised.value)["type"] == "invalid_request_error"


def test_missing_key_is_refused_with_stripes_error_shape(payments_sandbox) -> None:
    with payments_sandbox.http(key=None) as http:
        response = http.post("/v1/payment_intents", data={"amount": "100", "currency": "cny"})

    assert response.status_code == 401
    assert response.json()["error"]["type"] == "invalid_request_error"
    assert "API key" in response.json()["error"]["message"]


def test_basic_auth_with_the_key_as_user_is_accepted(payments_sandbox) -> None:
    with payments_sandbox.http(key=None) as http:
        response = http.post(
            "/v1/payment_intents",
            data={"amount": "100", "currency": "cny"},
            auth=("sk_test_sandbox", ""),
        )

    assert response.status_code == 200
    assert response.json()["status"] == "requires_payment_method"


def test_bracketed_form_fields_are_parsed(payments_sandbox) -> None:
    with payments_sandbox.http() as http:
        response = http.post(
            "/v1/payment_intents",
            content="amount=2500&currency=CNY&metadata[donation_id]=d-9&metadata[need]=n-3"
            "&payment_method_types[]=card&expand[]=latest_charge",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

    body = response.json()
    assert response.status_code == 200, body
    assert body["amount"] == 2500
    assert body["currency"] == "cny"
    assert body["metadata"] == {"donation_id": "d-9", "need": "n-3"}
    assert body["payment_method_types"] == ["card"]


def test_missing_and_unknown_parameters_are_refused(payments_sandbox_client) -> None:
    with pytest.raises(stripe.InvalidRequestError) as missing:
        payments_sandbox_client.v1.payment_intents.create(params={"currency": "cny"})
    with pytest.raises(stripe.InvalidRequestError) as unknown:
        create_intent(payments_sandbox_client, colour="blue")

    assert (missing.value.code, missing.value.param) == ("parameter_missing", "amount")
    assert (unknown.value.code, unknown.value.param) == ("parameter_unknown", "colour")
