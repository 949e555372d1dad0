"""The donor journey for locust, to load a deployment's own servers.

    pip install -e '.[bench]'
    BENCH_PROJECT_ID=<an active project's id> locust -f bench/locustfile.py \\
        --host https://portal.example --users 32 --spawn-rate 8 --run-time 2m \\
        --headless --exit-code-on-error 1

Each simulated donor logs in once (the notice in force accepted), then gives one
donation after another: create it at the portal, confirm it at the payment
provider the answer names (with the publishable key, as the mini-program does),
and ask the portal until it says succeeded. Locust reports each request, and
the whole journey as `JOURNEY donation journey`, so its throughput and
percentiles sit beside those of `GET /api/mp/v1/privacy`, the trivial endpoint
(`TrivialReader`, run it alone with `locust ... TrivialReader`).

Logging in takes a WeChat login code: against the WeChat stand-in any code
`test-<name>` works, so this file is for a staging deployment that runs the
stand-ins (`sandboxes/`), not for production. Without BENCH_PROJECT_ID the first
project the API lists is used. Every donation is 10 yuan (BENCH_AMOUNT_FEN).
"""

from __future__ import annotations

import os
import time
import uuid
from typing import Any

from locust import HttpUser, between, task

FIRST_ASK_S = 0.01
LAST_ASK_S = 0.2
WAIT_FOR_WEBHOOK_S = 30.0


class Donor(HttpUser):
    """One donor of the mini-program, giving one donation after another."""

    weight = 1
    wait_time = between(0, 0)

    def on_start(self) -> None:
        version = self.client.get("/api/mp/v1/privacy").json()["version"]
        login = self.client.post(
            "/api/mp/v1/auth/login",
            json={"code": f"test-locust-{uuid.uuid4().hex[:12]}", "privacy_version": version},
        )
        login.raise_for_status()
        self.headers = {"Authorization": f"Bearer {login.json()['token']}"}
        self.project_id = os.environ.get("BENCH_PROJECT_ID") or self._first_project()
        self.amount_fen = int(os.environ.get("BENCH_AMOUNT_FEN", "1000"))

    def _first_project(self) -> str:
        listed = self.client.get("/api/mp/v1/projects", headers=self.headers).json()
        return str(listed["data"][0]["id"])

    @task
    def donate(self) -> None:
        started = time.perf_counter()
        error: Exception | None = None
        try:
            self._journey()
        except Exception as exc:  # reported to locust as the journey's failure
            error = exc
        self.environment.events.request.fire(
            request_type="JOURNEY",
            name="donation journey",
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            exception=error,
            context={},
        )

    def _journey(self) -> None:
        created = self.client.post(
            "/api/mp/v1/donations",
            json={"project_id": self.project_id, "amount_fen": self.amount_fen},
            headers={**self.headers, "Idempotency-Key": uuid.uuid4().hex},
        )
        created.raise_for_status()
        body: dict[str, Any] = created.json()
        payment = body["payment"]
        confirm = self.client.post(
            f"{payment['api_base']}/v1/payment_intents/{payment['payment_intent']}/confirm",
            headers={"Authorization": f"Bearer {payment['publishable_key']}"},
            data={"payment_method": "pm_card_visa", "client_secret": payment["client_secret"]},
            name="/v1/payment_intents/[id]/confirm",
        )
        confirm.raise_for_status()
        donation_id = body["donation"]["id"]
        deadline = time.monotonic() + WAIT_FOR_WEBHOOK_S
        pause = FIRST_ASK_S
        while time.monotonic() < deadline:
            # A long poll: the portal answers once the payment is booked.
            status = self.client.get(
                f"/api/mp/v1/donations/{donation_id}?wait=10",
                headers=self.headers,
                name="/api/mp/v1/donations/[id]",
            )
            if status.ok and status.json().get("status") == "succeeded":
                return
            # A busy portal (every waiting slot taken) says when to ask again.
            retry_after = status.headers.get("Retry-After", "")
            time.sleep(max(pause, float(retry_after) if retry_after.isdigit() else 0.0))
            pause = min(LAST_ASK_S, pause * 1.5)
        raise TimeoutError(f"donation {donation_id} not succeeded within {WAIT_FOR_WEBHOOK_S} s")


class TrivialReader(HttpUser):
    """The trivial endpoint the journey is compared with; not run unless named."""

    weight = 0
    wait_time = between(0, 0)

    @task
    def privacy(self) -> None:
        self.client.get("/api/mp/v1/privacy")
