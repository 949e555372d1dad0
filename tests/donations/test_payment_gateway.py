"""The platform's own provider client (httpx) against a real sandbox process: typed
errors, and network failures retried under the same Idempotency-Key so that a retry
can never create a second payment."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from donations.payments.gateway import ProviderRejected, ProviderUnavailable
from donations.payments.sandbox import HttpPaymentGateway
from tests.sandboxes.conftest import PaymentsSandboxProcess


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PaymentsSandboxProcess]:
    process = PaymentsSandboxProcess(Path(tmp_path_factory.mktemp("gateway_sandbox")))
    process.start()
    yield process
    process.stop()


def gateway_for(sandbox: PaymentsSandboxProcess, **kwargs: Any) -> HttpPaymentGateway:
    return HttpPaymentGateway(sandbox.url, "sk_test_sandbox", "pk_test_sandbox", **kwargs)


class FlakyTransport(httpx.BaseTransport):
    """Fails the first `failures` requests as a dropped connection would, then passes
    every request to the real sandbox, remembering each attempt's Idempotency-Key."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.keys: list[str | None] = []
        self.real = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.keys.append(request.headers.get("Idempotency-Key"))
        if self.failures:
            self.failures -= 1
            raise httpx.ConnectError("connection reset", request=request)
        return self.real.handle_request(request)

    def close(self) -> None:
        self.real.close()


def test_create_retrieve_and_cancel(sandbox):
    gateway = gateway_for(sandbox)
    try:
        intent = gateway.create_payment_intent(1234, "cny", {"donation_id": "d-1"}, "key-1")
        assert (intent.amount, intent.currency, intent.metadata) == (
            1234,
            "cny",
            {"donation_id": "d-1"},
        )
        assert intent.client_secret and intent.client_secret.startswith(intent.id)
        assert gateway.retrieve_payment_intent(intent.id).status == intent.status
        assert gateway.cancel_payment_intent(intent.id, "cancel-1").status == "canceled"
    finally:
        gateway.close()


def test_a_dropped_connection_is_retried_with_the_same_key_and_pays_once(sandbox):
    transport = FlakyTransport(failures=2)
    gateway = gateway_for(sandbox, transport=transport)
    key = f"donation-{uuid.uuid4()}"
    try:
        first = gateway.create_payment_intent(500, "cny", {"donation_id": key}, key)
        # A later retry of the whole call (the donor tapping again) replays the same intent.
        again = gateway.create_payment_intent(500, "cny", {"donation_id": key}, key)
    finally:
        gateway.close()
    assert transport.keys[:3] == [key, key, key]
    assert again.id == first.id


def test_provider_errors_arrive_typed(sandbox):
    gateway = gateway_for(sandbox)
    try:
        with pytest.raises(ProviderRejected) as missing:
            gateway.retrieve_payment_intent("pi_does_not_exist")
        assert (missing.value.status, missing.value.code) == (404, "resource_missing")
        intent = gateway.create_payment_intent(800, "cny", {}, f"k-{uuid.uuid4()}")
        with pytest.raises(ProviderRejected) as unpaid:
            gateway.create_refund(intent.id, 100, {}, f"r-{uuid.uuid4()}")
        assert unpaid.value.status == 400
    finally:
        gateway.close()
    wrong_key = HttpPaymentGateway(sandbox.url, "sk_test_wrong", "pk_test_sandbox")
    try:
        with pytest.raises(ProviderRejected) as refused:
            wrong_key.retrieve_payment_intent("pi_x")
        assert refused.value.status == 401
    finally:
        wrong_key.close()


def test_a_provider_that_keeps_failing_ends_in_provider_unavailable(sandbox):
    transport = FlakyTransport(failures=100)
    gateway = gateway_for(sandbox, transport=transport)
    try:
        with pytest.raises(ProviderUnavailable):
            gateway.create_payment_intent(500, "cny", {}, "always-failing")
    finally:
        gateway.close()
    # The first attempt and every retry, all under one key.
    assert len(transport.keys) >= 2 and set(transport.keys) == {"always-failing"}


def test_server_errors_are_retried(sandbox):
    httpx.post(
        f"{sandbox.url}/_sandbox/faults",
        json={"api_error_rate": 1.0},
        headers={"Authorization": "Bearer sk_test_sandbox"},
    ).raise_for_status()
    gateway = gateway_for(sandbox)
    try:
        with pytest.raises(ProviderUnavailable):
            gateway.create_payment_intent(500, "cny", {}, f"k-{uuid.uuid4()}")
    finally:
        gateway.close()
        httpx.post(
            f"{sandbox.url}/_sandbox/faults",
            json={},
            headers={"Authorization": "Bearer sk_test_sandbox"},
        ).raise_for_status()
