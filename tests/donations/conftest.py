"""Posting signed provider events to the webhook, and a LIVE stack for end-to-end tests.
(Builders are in tests/donations/factories.py.)

Most tests run in the harness's rolled-back transaction (`ctx` / `client`). The
end-to-end tests need real commits, because the payment sandbox POSTs its
webhooks to a live server: `live_stack` is a scratch database (an SQLite file,
or a fresh PostgreSQL database when TEST_DATABASE_URL is set) built by the
migrations, the portal app on it served by werkzeug in a thread, and a sandbox
process whose pre-registered webhook endpoint is that server. Tests use it
through `live` (an app context with the real `db.session`), and isolate
themselves by creating their own projects and donors, never by expecting an
empty database.

On SQLite every transaction starts with BEGIN IMMEDIATE (core.db), so a test
that leaves a transaction open would hold the write lock the webhook needs:
the helpers here end their transaction before they return.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from threading import Thread
from typing import Any

import httpx
import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import select
from werkzeug.serving import make_server
from werkzeug.test import TestResponse

from core.db import db
from donations.donors.models import Donor
from donations.giving.models import Donation, DonationStatus, ProviderEvent
from donations.giving.services import DonationRequest, start_donation
from donations.ledger.check import check_ledger
from donations.payments.gateway import PaymentGateway
from donations.payments.signature import sign
from tests.conftest import make_app
from tests.donations.factories import DonationRef, entries_of, make_donor, make_project, unique
from tests.factories import fresh
from tests.live import QuietHandler, scratch_database
from tests.sandboxes.conftest import (
    PAYMENTS_PUBLISHABLE_KEY,
    PaymentsSandboxProcess,
    payments_wait_until,
)

UNIT_WEBHOOK_SECRET = "whsec_test_unit"
LIVE_WEBHOOK_SECRET = "whsec_test_live_stack"
WEBHOOK_PATH = "/api/payments/webhook"
DEADLINE_S = 20.0


def post_webhook(
    client: FlaskClient,
    body: dict[str, Any] | bytes,
    *,
    secret: str = UNIT_WEBHOOK_SECRET,
    timestamp: int | None = None,
    signature: str | None = None,
) -> TestResponse:
    """POST a body signed as the provider signs it (or with the given header)."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    header = signature if signature is not None else sign(raw, secret, timestamp)
    return client.post(
        WEBHOOK_PATH,
        data=raw,
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
    )


@pytest.fixture()
def webhook_secret(app: Flask, monkeypatch: pytest.MonkeyPatch) -> str:
    """The harness app verifies webhooks with UNIT_WEBHOOK_SECRET for this test."""
    monkeypatch.setitem(app.config, "PAYMENT_WEBHOOK_SECRETS", UNIT_WEBHOOK_SECRET)
    return UNIT_WEBHOOK_SECRET


# -- the LIVE stack -------------------------------------------------------------------------


class LiveServerApp:
    """The WSGI app the live server runs: the portal once it exists, and a switch that
    makes the webhook answer 500 (our side down) while the rest keeps working."""

    def __init__(self) -> None:
        self.app: Flask | None = None
        self.webhook_down = False

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if self.app is None or (self.webhook_down and environ.get("PATH_INFO") == WEBHOOK_PATH):
            start_response("500 INTERNAL SERVER ERROR", [("Content-Type", "application/json")])
            return [b'{"error": {"code": "down", "message": "down"}}']
        return self.app(environ, start_response)


@dataclass
class LiveStack:
    app: Flask
    server_url: str
    sandbox: PaymentsSandboxProcess
    switch: LiveServerApp

    @property
    def gateway(self) -> PaymentGateway:
        gateway: PaymentGateway = self.app.extensions["payment_gateway"]
        return gateway

    def confirm(self, intent_id: str, client_secret: str, payment_method: str) -> httpx.Response:
        """Pay as the mini-program does: publishable key plus the intent's client secret."""
        with self.sandbox.http(key=PAYMENTS_PUBLISHABLE_KEY) as http:
            return http.post(
                f"/v1/payment_intents/{intent_id}/confirm",
                data={"payment_method": payment_method, "client_secret": client_secret},
            )

    def set_faults(self, **faults: Any) -> None:
        self.sandbox.set_faults(**faults)

    def flush(self) -> dict[str, int]:
        return self.sandbox.flush()

    def event_ids(self, object_id: str, event_type: str) -> list[str]:
        return [event.id for event in self.sandbox.events_about(object_id, event_type)]

    def deliveries(self, object_id: str, event_type: str) -> list[dict[str, Any]]:
        return [
            delivery
            for event_id in self.event_ids(object_id, event_type)
            for delivery in self.sandbox.deliveries(event_id)
        ]

    def quiesce(self) -> None:
        """Faults off, webhook up, and nothing left to deliver: no late webhook may reach
        the server while later tests run (the harness swaps db.session for its own)."""
        self.switch.webhook_down = False
        self.sandbox.set_faults()
        payments_wait_until(
            lambda: self.sandbox.flush()["pending"] == 0, what="the sandbox to deliver everything"
        )


@contextmanager
def running_live_stack(workdir: Path, name: str) -> Iterator[LiveStack]:
    """Scratch database, live portal server, and a sandbox posting webhooks to it.

    The server starts first (on a free port) so the sandbox can be told where to
    post; the app, which must know the sandbox's address, is mounted afterwards.
    """
    apps: list[Flask] = []
    with ExitStack() as cleanup:  # unwinds in reverse: sandbox, server, app, database
        url = cleanup.enter_context(scratch_database(name))

        @cleanup.callback
        def close_app() -> None:
            for app in apps:
                with app.app_context():
                    db.session.remove()
                    db.engine.dispose()
                app.extensions["payment_gateway"].close()

        switch = LiveServerApp()
        server = make_server("127.0.0.1", 0, switch, threaded=True, request_handler=QuietHandler)
        thread = Thread(target=server.serve_forever, name="live-portal", daemon=True)
        thread.start()

        @cleanup.callback
        def stop_server() -> None:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)

        server_url = f"http://127.0.0.1:{server.port}"
        sandbox = PaymentsSandboxProcess(
            workdir,
            {
                "SANDBOX_WEBHOOK_URL": server_url + WEBHOOK_PATH,
                "SANDBOX_WEBHOOK_SECRET": LIVE_WEBHOOK_SECRET,
            },
        )
        sandbox.start()
        cleanup.callback(sandbox.stop)
        app = make_app(
            SQLALCHEMY_DATABASE_URI=url,
            PAYMENT_API_BASE=sandbox.url,
            PAYMENT_WEBHOOK_SECRETS=LIVE_WEBHOOK_SECRET,
            PAYMENT_TIMEOUT_S=15.0,
        )
        apps.append(app)
        with app.app_context():
            upgrade()
        switch.app = app
        yield LiveStack(app, server_url, sandbox, switch)


@pytest.fixture(scope="session")
def live_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStack]:
    """The live stack the payment tests share."""
    with running_live_stack(tmp_path_factory.mktemp("live_sandbox"), "donations_live") as stack:
        yield stack


@contextmanager
def on_stack(stack: LiveStack) -> Iterator[LiveStack]:
    """An app context on a live stack with the real db.session; quiet again afterwards."""
    with stack.app.app_context():
        try:
            yield stack
        finally:
            db.session.rollback()
            db.session.remove()
            stack.quiesce()


@pytest.fixture()
def live(live_stack: LiveStack) -> Iterator[LiveStack]:
    with on_stack(live_stack) as stack:
        yield stack


def ended(read: Callable[[], Any]) -> Any:
    """Run a read in its own short transaction and end it (see the module docstring)."""
    try:
        return read()
    finally:
        db.session.rollback()


def donation_state(donation_id: str) -> dict[str, Any]:
    def read() -> dict[str, Any]:
        donation = fresh(Donation, donation_id)
        return {
            "status": donation.status,
            "refunded_fen": donation.refunded_fen,
            "to_need_fen": donation.to_need_fen,
            "to_pool_fen": donation.to_pool_fen,
            "redirected_to_pool": donation.redirected_to_pool,
            "entries": entries_of(donation_id),
        }

    state: dict[str, Any] = ended(read)
    return state


def wait_for_status(donation_id: str, *statuses: str) -> dict[str, Any]:
    state: dict[str, Any] = payments_wait_until(
        lambda: (s := donation_state(donation_id))["status"] in statuses and s,
        timeout=DEADLINE_S,
        what=f"donation {donation_id} to become {'/'.join(statuses)}",
    )
    return state


def ledger_ok() -> tuple[bool, list[str]]:
    def read() -> tuple[bool, list[str]]:
        report = check_ledger()
        return report.ok, list(report.problems)

    result: tuple[bool, list[str]] = ended(read)
    return result


# -- end-to-end steps ----------------------------------------------------------------------


def start(
    live: LiveStack, donor_id: str, project_id: str, amount_fen: int, listing_id: str | None = None
) -> DonationRef:
    """start_donation as the mini-program API calls it; ends its transaction."""

    def run() -> DonationRef:
        donor = db.session.get(Donor, donor_id)
        assert donor is not None
        request = DonationRequest(project_id=project_id, amount_fen=amount_fen, need_id=listing_id)
        donation, created = start_donation(donor, request, unique("key-"), live.gateway)
        assert created
        assert donation.payment_intent_id is not None and donation.client_secret is not None
        return DonationRef(
            id=donation.id,
            intent_id=donation.payment_intent_id,
            project_id=project_id,
            amount_fen=amount_fen,
            listing_id=listing_id,
            client_secret=donation.client_secret,
        )

    ref: DonationRef = ended(run)
    return ref


def events_recorded(intent_id: str, event_type: str) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = ended(
        lambda: [
            (e.id, e.outcome, e.via)
            for e in db.session.scalars(
                select(ProviderEvent).where(
                    ProviderEvent.object_id == intent_id, ProviderEvent.type == event_type
                )
            )
        ]
    )
    return rows


def a_project_and_donor() -> tuple[str, str]:
    ids: tuple[str, str] = ended(lambda: (make_project(), make_donor()))
    return ids


def pay(live: LiveStack, donation: DonationRef, payment_method: str = "pm_card_visa") -> Any:
    response = live.confirm(donation.intent_id, donation.client_secret, payment_method)
    return response


def paid(
    live: LiveStack, donor_id: str, project_id: str, amount_fen: int, listing_id: str | None = None
) -> DonationRef:
    """A donation started, paid at the sandbox and booked by the webhook."""
    donation = start(live, donor_id, project_id, amount_fen, listing_id)
    assert pay(live, donation).status_code == 200
    wait_for_status(donation.id, DonationStatus.SUCCEEDED)
    return donation
