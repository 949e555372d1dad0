"""Helpers for the mini-program API tests: one client for both transports, paying at the sandbox.

`MpApi` talks to `/api/mp/v1` either in process (Flask's test client, inside the
harness's rolled-back transaction) or over real HTTP (httpx against the live
server), and records every donor-facing answer in `RECORDED`, so that the end
of a whole run can scan them all for personal data and check them against the
OpenAPI document (tests/api/answer_checks.py), for the names, phones and ID
numbers of every person the factories registered (`tests.factories.PEOPLE`).
"""

from __future__ import annotations

import itertools
import json
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import httpx
from flask.testing import FlaskClient

from donations.payments.signature import sign

API = "/api/mp/v1"
WEBHOOK_PATH = "/api/payments/webhook"
SECRET_KEY = "sk_test_sandbox"

# -- what the privacy scan and the OpenAPI check read ---------------------------------------


@dataclass(frozen=True)
class Recorded:
    via: str
    method: str
    path: str
    status: int
    content_type: str
    body: bytes


_HAN = re.compile(r"[\u4e00-\u9fff]")
_FEN = re.compile(r"\d\s*(?:fen|分)")
RECORDED: list[Recorded] = []


# -- one reply shape for both transports ------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]  # names in lower case
    content: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.content)

    @property
    def error_code(self) -> str:
        body = self.json
        assert set(body) == {"error"}, body
        assert set(body["error"]) >= {"code", "message"}, body
        message = body["error"]["message"]
        assert isinstance(message, str) and message
        # Shown to the donor: in Chinese, amounts in yuan (docs/api.md).
        assert _HAN.search(message) and not _FEN.search(message), body
        code: str = body["error"]["code"]
        return code

    @property
    def error_message(self) -> str:
        self.error_code  # noqa: B018 - checks the error object's shape
        message: str = self.json["error"]["message"]
        return message

    def expect(self, status: int) -> Any:
        assert self.status == status, (self.status, self.content[:500])
        return self.json if self.content else None


def _lower(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers}


Sender = Callable[[str, str, dict[str, str], bytes | None], Reply]


def flask_sender(client: FlaskClient) -> Sender:
    def send(method: str, url: str, headers: dict[str, str], body: bytes | None) -> Reply:
        answer = client.open(url, method=method, headers=headers, data=body)
        return Reply(answer.status_code, _lower(answer.headers.items()), answer.get_data())

    return send


def httpx_sender(http: httpx.Client) -> Sender:
    def send(method: str, url: str, headers: dict[str, str], body: bytes | None) -> Reply:
        answer = http.request(method, url, headers=headers, content=body)
        return Reply(answer.status_code, _lower(answer.headers.items()), answer.content)

    return send


_codes = itertools.count(1)


class MpApi:
    """The mini-program's side of `/api/mp/v1`; every answer is recorded."""

    def __init__(self, send: Sender, via: str) -> None:
        self._send = send
        self.via = via

    def call(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        raw: bytes | None = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        sent = dict(headers or {})
        body = raw
        if json_body is not None:
            body = json.dumps(json_body, ensure_ascii=False).encode()
        if body is not None:
            sent.setdefault("Content-Type", "application/json")
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        reply = self._send(method, API + path, sent, body)
        RECORDED.append(
            Recorded(
                self.via,
                method,
                path.split("?", 1)[0],
                reply.status,
                reply.headers.get("content-type", ""),
                reply.content,
            )
        )
        return reply

    def get(self, path: str, **kw: Any) -> Reply:
        return self.call("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Reply:
        return self.call("POST", path, json_body=body, **kw)

    def patch(self, path: str, body: Any = None, **kw: Any) -> Reply:
        return self.call("PATCH", path, json_body=body, **kw)

    def delete(self, path: str, **kw: Any) -> Reply:
        return self.call("DELETE", path, **kw)

    # -- the mini-program's usual steps --

    def privacy_version(self) -> str:
        version: str = self.get("/privacy").expect(200)["version"]
        return version

    def login(self, name: str | None = None, *, accept: bool = True) -> str:
        """Log a donor in with a fresh one-time code; a new NAME is a new donor."""
        name = name or new_name()
        body: dict[str, Any] = {"code": f"test-{name}.{next(_codes)}"}
        if accept:
            body["privacy_version"] = self.privacy_version()
        answer = self.post("/auth/login", body).expect(200)
        assert answer["privacy_accepted"] is accept
        token: str = answer["token"]
        return token

    def donate(self, token: str, body: dict[str, Any], key: str | None = None) -> Reply:
        headers = {"Idempotency-Key": key or new_key()}
        return self.post("/donations", body, token=token, headers=headers)


def new_name() -> str:
    return f"donor-{uuid.uuid4().hex[:12]}"


def new_key() -> str:
    return f"key-{uuid.uuid4().hex}"


# -- paying as the mini-program pays, and the provider's events -------------------------------


def confirm_payment(payment: dict[str, Any], method: str = "pm_card_visa") -> httpx.Response:
    """Confirm at the provider with the `payment` object POST /donations answered."""
    url = f"{payment['api_base']}/v1/payment_intents/{payment['payment_intent']}/confirm"
    return httpx.post(
        url,
        data={"payment_method": method, "client_secret": payment["client_secret"]},
        headers={"Authorization": f"Bearer {payment['publishable_key']}"},
        timeout=30,
        trust_env=False,
    )


def provider_events(api_base: str, event_type: str, object_id: str) -> list[dict[str, Any]]:
    """The provider's recent events of one type about one object (secret key)."""
    answer = httpx.get(
        f"{api_base}/v1/events",
        params={"type": event_type, "limit": 100},
        headers={"Authorization": f"Bearer {SECRET_KEY}"},
        timeout=30,
        trust_env=False,
    )
    answer.raise_for_status()
    return [e for e in answer.json()["data"] if e["data"]["object"]["id"] == object_id]


def deliver(
    client: FlaskClient,
    payment: dict[str, Any],
    secret: str,
    event_type: str = "payment_intent.succeeded",
) -> None:
    """Hand the provider's event about this payment to the in-process webhook, signed."""
    events = provider_events(payment["api_base"], event_type, payment["payment_intent"])
    assert len(events) == 1, events
    raw = json.dumps(events[0]).encode()
    answer = client.post(
        WEBHOOK_PATH,
        data=raw,
        headers={"Stripe-Signature": sign(raw, secret), "Content-Type": "application/json"},
    )
    assert answer.status_code == 200, answer.get_data()


def pay(client: FlaskClient, created: dict[str, Any], secret: str) -> None:
    """Confirm with a test card and deliver the resulting event (in-process stack)."""
    confirmed = confirm_payment(created["payment"])
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "succeeded"
    deliver(client, created["payment"], secret)


def decline(client: FlaskClient, created: dict[str, Any], secret: str) -> None:
    """Confirm with a declined test card and deliver `payment_intent.payment_failed`."""
    declined = confirm_payment(created["payment"], "pm_card_chargeDeclined")
    assert declined.status_code == 402, declined.text
    deliver(client, created["payment"], secret, "payment_intent.payment_failed")
