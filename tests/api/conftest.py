"""Fixtures for the mini-program API: both sandboxes as real processes, and two stacks.

In process (`api`): the harness's app and rolled-back transaction, with its WeChat
and payment gateways pointed at this directory's sandboxes. Payments are
confirmed at the real payment sandbox; its `payment_intent.succeeded` event is
then handed to the in-process webhook, signed as the provider signs it.

Live (`live`): a scratch database built by the migrations, the portal served by
werkzeug in a thread, and a payment sandbox whose webhooks go to that server, so
webhooks, faults and reconciliation are exercised for real.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from threading import Thread
from typing import Any

import httpx
import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from werkzeug.serving import make_server

from core.db import db
from donations.payments.config import make_gateway
from donations.payments.gateway import PaymentGateway
from donations.payments.sandbox import HttpPaymentGateway
from donations.wechat.config import make_wechat
from donations.wechat.gateway import WeChatGateway, WeChatPyGateway
from sandboxes.wechat.testing import sandbox_process
from tests.api import answer_checks  # noqa: F401 - registers the checks made at the end of a run
from tests.api.support import SECRET_KEY, WEBHOOK_PATH, MpApi, flask_sender, httpx_sender
from tests.conftest import make_app
from tests.factories import Office, make_office
from tests.live import QuietHandler, scratch_database
from tests.sandboxes.conftest import PaymentsSandboxProcess, payments_wait_until

UNIT_WEBHOOK_SECRET = "whsec_test_api_unit"
LIVE_WEBHOOK_SECRET = "whsec_test_api_live"


# -- the outside world ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def wechat_base() -> Iterator[str]:
    """The WeChat stand-in as its own process (state in memory)."""
    with sandbox_process() as base_url:
        yield base_url


@pytest.fixture(scope="session")
def payments_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A payment sandbox without webhooks: in-process tests hand events over themselves."""
    sandbox = PaymentsSandboxProcess(tmp_path_factory.mktemp("api_payments"))
    sandbox.start()
    yield sandbox.url
    sandbox.stop()


@dataclass(frozen=True)
class Gateways:
    wechat: WeChatGateway
    payments: PaymentGateway


def _gateway_config(app: Flask, wechat_base: str, payments_base: str) -> dict[str, Any]:
    return {**app.config, "WECHAT_API_BASE": wechat_base, "PAYMENT_API_BASE": payments_base}


@pytest.fixture(scope="session")
def gateways(app: Flask, wechat_base: str, payments_base: str) -> Iterator[Gateways]:
    config = _gateway_config(app, wechat_base, payments_base)
    wechat = make_wechat(config)
    payments = make_gateway(config)
    yield Gateways(wechat, payments)
    assert isinstance(payments, HttpPaymentGateway)
    payments.close()
    assert isinstance(wechat, WeChatPyGateway)
    wechat.close()


# -- the in-process stack -------------------------------------------------------------------


@pytest.fixture()
def api(
    app: Flask,
    client: FlaskClient,
    gateways: Gateways,
    monkeypatch: pytest.MonkeyPatch,
) -> MpApi:
    """The mini-program against the harness app, inside the rolled-back transaction."""
    monkeypatch.setitem(app.extensions, "wechat", gateways.wechat)
    monkeypatch.setitem(app.extensions, "payment_gateway", gateways.payments)
    monkeypatch.setitem(app.config, "PAYMENT_WEBHOOK_SECRETS", UNIT_WEBHOOK_SECRET)
    return MpApi(flask_sender(client), via="in-process")


@pytest.fixture()
def office(api: MpApi) -> Office:
    """An office with an author and a second reviewing officer."""
    return make_office()


# -- the live stack -------------------------------------------------------------------------


class _LateApp:
    """The server starts before the app exists (the app needs the sandbox's address)."""

    def __init__(self) -> None:
        self.app: Flask | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if self.app is None:
            start_response("503 SERVICE UNAVAILABLE", [("Content-Type", "text/plain")])
            return [b"starting"]
        return self.app(environ, start_response)


@dataclass
class LiveStack:
    app: Flask
    server_url: str
    payments_url: str
    wechat_url: str
    http: httpx.Client

    def api(self) -> MpApi:
        return MpApi(httpx_sender(self.http), via="live")

    def sandbox(self, method: str, path: str, **kw: Any) -> httpx.Response:
        """A call to the payment sandbox with its secret key."""
        answer = httpx.request(
            method,
            self.payments_url + path,
            headers={"Authorization": f"Bearer {SECRET_KEY}"},
            timeout=30,
            trust_env=False,
            **kw,
        )
        answer.raise_for_status()
        return answer

    def set_faults(self, **faults: Any) -> None:
        self.sandbox("POST", "/_sandbox/faults", json=faults)

    def flush(self) -> dict[str, int]:
        report: dict[str, int] = self.sandbox("POST", "/_sandbox/flush").json()
        return report

    def quiesce(self) -> None:
        """Faults off and nothing left to deliver: no late webhook may reach the server
        once later tests swap db.session for the harness's rolled-back one."""
        self.set_faults()
        payments_wait_until(
            lambda: self.flush()["pending"] == 0, what="the sandbox to deliver everything"
        )


@pytest.fixture(scope="session")
def live_stack(tmp_path_factory: pytest.TempPathFactory, wechat_base: str) -> Iterator[LiveStack]:
    with scratch_database("api_live") as url:
        late = _LateApp()
        server = make_server("127.0.0.1", 0, late, threaded=True, request_handler=QuietHandler)
        thread = Thread(target=server.serve_forever, name="api-live-portal", daemon=True)
        thread.start()
        server_url = f"http://127.0.0.1:{server.port}"
        sandbox = PaymentsSandboxProcess(
            tmp_path_factory.mktemp("api_live_payments"),
            {
                "SANDBOX_WEBHOOK_URL": server_url + WEBHOOK_PATH,
                "SANDBOX_WEBHOOK_SECRET": LIVE_WEBHOOK_SECRET,
            },
        )
        sandbox.start()
        app = make_app(
            SQLALCHEMY_DATABASE_URI=url,
            PAYMENT_API_BASE=sandbox.url,
            PAYMENT_WEBHOOK_SECRETS=LIVE_WEBHOOK_SECRET,
            WECHAT_API_BASE=wechat_base,
        )
        with app.app_context():
            upgrade()
            db.engine.dispose()
        late.app = app
        http = httpx.Client(base_url=server_url, timeout=30, trust_env=False)
        try:
            yield LiveStack(app, server_url, sandbox.url, wechat_base, http)
        finally:
            http.close()
            sandbox.stop()
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
            app.extensions["payment_gateway"].close()
            app.extensions["wechat"].close()


@pytest.fixture()
def live(live_stack: LiveStack) -> Iterator[LiveStack]:
    """An app context on the live stack with the real db.session; quiet again afterwards."""
    with live_stack.app.app_context():
        try:
            yield live_stack
        finally:
            db.session.rollback()
            db.session.remove()
            live_stack.quiesce()
