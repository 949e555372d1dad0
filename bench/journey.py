"""One donor's journey over HTTP, as the mini-program makes it.

Log in through the WeChat stand-in (once per donor), then for each donation:
create it at the portal, confirm it at the payment sandbox with the publishable
key, and ask the portal until it says succeeded (the webhook has landed in the
ledger). That is at least five requests across three servers. The ask is a long
poll (`?wait=10`): the portal answers when the payment is booked. When it answers
sooner, still pending (its waiting slots were all taken), it says when to ask again
(`Retry-After`); otherwise asking again backs off from 10 ms to 200 ms, as a client
that does not hammer the server would.
`long_poll=False` asks without waiting, as the mini-program did before.

A call the sandbox fails on purpose (its `api_error_rate` fault), or whose
connection is lost, is retried with the same idempotency key, so a retry never
makes a second donation or a second payment.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import httpx

WAIT_S = 10
FIRST_ASK_S = 0.01
LAST_ASK_S = 0.2
ATTEMPTS = 5


class JourneyFailed(Exception):
    """A donation that did not reach "succeeded": the bench counts it and exits 1."""


@dataclass
class Donor:
    token: str
    api: httpx.Client
    pay: httpx.Client
    # Requests this donor's phone has sent (retries and status asks included).
    sent: int = 0

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def close(self) -> None:
        self.api.close()
        self.pay.close()


def log_in(base: str, name: str) -> Donor:
    api = httpx.Client(base_url=base, timeout=30)
    pay = httpx.Client(timeout=30)
    # Accept the notice the server has in force, as the mini-program does.
    version = api.get("/api/mp/v1/privacy").json()["version"]
    login = api.post(
        "/api/mp/v1/auth/login", json={"code": f"test-{name}", "privacy_version": version}
    )
    if login.status_code != 200:
        raise JourneyFailed(f"login {login.status_code}")
    return Donor(login.json()["token"], api, pay)


def _retrying(donor: Donor, send: object, what: str) -> httpx.Response:
    assert callable(send)
    response: httpx.Response | None = None
    failure = ""
    for attempt in range(ATTEMPTS):
        donor.sent += 1
        try:
            response = send()
        except httpx.TransportError as error:
            # The answer was lost (a reset connection): the same idempotency key
            # makes asking again safe, as a real client would.
            failure = str(error) or type(error).__name__
        else:
            assert isinstance(response, httpx.Response)
            # 5xx: a failure the sandbox injected (or one the portal passed on); try again.
            if response.status_code < 500:
                return response
            failure = str(response.status_code)
        time.sleep(0.05 * (attempt + 1))
    raise JourneyFailed(f"{what} {failure} after {ATTEMPTS} attempts")


def _retry_after(response: httpx.Response) -> float:
    raw = response.headers.get("Retry-After", "")
    return float(raw) if raw.isdigit() else 0.0


def donate(
    donor: Donor,
    project_id: str,
    amount_fen: int = 1000,
    *,
    wait: bool = True,
    long_poll: bool = True,
) -> str | None:
    """One donation; returns its id, or raises JourneyFailed with what went wrong."""
    key = uuid.uuid4().hex
    created = _retrying(
        donor,
        lambda: donor.api.post(
            "/api/mp/v1/donations",
            json={"project_id": project_id, "amount_fen": amount_fen},
            headers={**donor.headers, "Idempotency-Key": key},
        ),
        "create",
    )
    if created.status_code not in (200, 201):
        raise JourneyFailed(f"create {created.status_code} {created.text[:100]}")
    body = created.json()
    payment = body["payment"]
    confirm = _retrying(
        donor,
        lambda: donor.pay.post(
            f"{payment['api_base']}/v1/payment_intents/{payment['payment_intent']}/confirm",
            headers={
                "Authorization": f"Bearer {payment['publishable_key']}",
                "Idempotency-Key": f"confirm-{key}",
            },
            data={"payment_method": "pm_card_visa", "client_secret": payment["client_secret"]},
        ),
        "confirm",
    )
    if confirm.status_code != 200:
        raise JourneyFailed(f"confirm {confirm.status_code}")
    donation_id = str(body["donation"]["id"])
    if not wait:
        return donation_id
    deadline = time.monotonic() + 30
    pause = FIRST_ASK_S
    query = f"?wait={WAIT_S}" if long_poll else ""
    while time.monotonic() < deadline:
        donor.sent += 1
        status = donor.api.get(f"/api/mp/v1/donations/{donation_id}{query}", headers=donor.headers)
        if status.status_code == 200 and status.json().get("status") == "succeeded":
            return donation_id
        # A busy portal (every waiting slot taken) says when to ask again.
        time.sleep(max(pause, _retry_after(status)))
        pause = min(LAST_ASK_S, pause * 1.5)
    raise JourneyFailed("webhook did not land within 30 s")
