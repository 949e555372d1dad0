"""Fixtures for the payment sandbox: a real process, a webhook receiver, fault switches.

The sandbox runs as `python -m sandboxes.payments` on a free port with its own
database, and is driven over HTTP with Stripe's own SDK, as the platform would be.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import stripe

REPO_ROOT = Path(__file__).resolve().parents[2]
PAYMENTS_SECRET_KEY = "sk_test_sandbox"
PAYMENTS_PUBLISHABLE_KEY = "pk_test_sandbox"
# Compressed further than the default so retry tests finish in about a second.
PAYMENTS_RETRY_SCHEDULE = "0.1,0.2,0.4,0.8"
DEADLINE_S = 20.0


def payments_wait_until(
    condition: Callable[[], Any], *, timeout: float = DEADLINE_S, what: str = "condition"
) -> Any:
    """Poll until `condition()` is truthy and return it; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


class PaymentsSandboxProcess:
    """One `python -m sandboxes.payments` process, restartable on the same database."""

    def __init__(self, workdir: Path, env: dict[str, str] | None = None) -> None:
        self.workdir = workdir
        self.db_path = workdir / "sandbox_payments.sqlite3"
        self.env = env or {}
        self.url = ""
        self._process: subprocess.Popen[str] | None = None
        self._log: Any = None
        self._starts = 0

    def start(self) -> None:
        assert self._process is None, "already running"
        env = {k: v for k, v in os.environ.items() if not k.startswith("SANDBOX_")}
        env.update({"SANDBOX_RETRY_SCHEDULE": PAYMENTS_RETRY_SCHEDULE, **self.env})
        self._starts += 1
        self._log = open(self.workdir / f"sandbox-{self._starts}.log", "w")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "sandboxes.payments", "--port", "0", "--db", str(self.db_path)],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )
        self.url = self._read_address()
        payments_wait_until(self._healthy, what="the sandbox to answer /healthz")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        assert process.stdout is not None
        process.stdout.close()
        self._log.close()

    def restart(self) -> None:
        self.stop()
        self.start()

    def client(self, key: str = PAYMENTS_SECRET_KEY, **options: Any) -> stripe.StripeClient:
        return stripe.StripeClient(key, base_addresses={"api": self.url}, **options)

    def http(self, key: str | None = PAYMENTS_SECRET_KEY) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30, trust_env=False)

    def set_faults(self, **faults: Any) -> None:
        with self.http() as http:
            http.post("/_sandbox/faults", json=faults).raise_for_status()

    def flush(self) -> dict[str, int]:
        with self.http() as http:
            response = http.post("/_sandbox/flush")
        response.raise_for_status()
        report: dict[str, int] = response.json()
        return report

    def deliveries(self, event_id: str) -> list[dict[str, Any]]:
        with self.http() as http:
            response = http.get("/_sandbox/deliveries", params={"event": event_id})
        response.raise_for_status()
        data: list[dict[str, Any]] = response.json()["data"]
        return data

    def events_about(self, object_id: str, event_type: str) -> list[stripe.Event]:
        """Recent events of `event_type` whose object is `object_id` (newest first)."""
        page = self.client().v1.events.list(params={"type": event_type, "limit": 100})
        return [event for event in page.data if event.data.object["id"] == object_id]

    def _read_address(self) -> str:
        assert self._process is not None and self._process.stdout is not None
        lines: queue.Queue[str] = queue.Queue()
        stdout = self._process.stdout
        threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
        try:
            line = lines.get(timeout=DEADLINE_S)
        except queue.Empty:
            line = ""
        if "http://" not in line:
            self.stop()
            log = (self.workdir / f"sandbox-{self._starts}.log").read_text()
            raise AssertionError(f"sandbox did not start: {line!r}\n{log}")
        return line.strip().split()[-1]

    def _healthy(self) -> bool:
        try:
            with self.http(key=None) as http:
                return http.get("/healthz").status_code == 200
        except httpx.HTTPError:
            return False


@dataclass(frozen=True)
class PaymentsWebhookPost:
    body: bytes
    signature: str
    answered: int

    @property
    def event(self) -> dict[str, Any]:
        event: dict[str, Any] = json.loads(self.body)
        return event


class PaymentsWebhookReceiver:
    """A tiny HTTP server standing in for the platform's webhook endpoint."""

    def __init__(self) -> None:
        self.posts: list[PaymentsWebhookPost] = []
        self.default_status = 200
        self._script: list[int] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status = receiver._record(body, self.headers.get("Stripe-Signature", ""))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                """Log nothing: the test output stays readable."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/webhook"

    def answer_next_with(self, *statuses: int) -> None:
        with self._lock:
            self._script.extend(statuses)

    def received(self) -> list[PaymentsWebhookPost]:
        with self._lock:
            return list(self.posts)

    def posts_about(
        self, object_id: str, event_type: str | None = None
    ) -> list[PaymentsWebhookPost]:
        return [
            post
            for post in self.received()
            if post.event["data"]["object"]["id"] == object_id
            and (event_type is None or post.event["type"] == event_type)
        ]

    def wait_for(
        self, object_id: str, event_type: str, *, count: int = 1, accepted: bool = True
    ) -> list[PaymentsWebhookPost]:
        def matching() -> list[PaymentsWebhookPost]:
            posts = self.posts_about(object_id, event_type)
            if accepted and not any(200 <= post.answered < 300 for post in posts):
                return []
            return posts if len(posts) >= count else []

        found: list[PaymentsWebhookPost] = payments_wait_until(
            matching, what=f"{count} x {event_type} about {object_id}"
        )
        return found

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def _record(self, body: bytes, signature: str) -> int:
        with self._lock:
            status = self._script.pop(0) if self._script else self.default_status
            self.posts.append(PaymentsWebhookPost(body, signature, status))
            return status


@dataclass(frozen=True)
class PaymentsWebhookEndpoint:
    id: str
    secret: str
    receiver: PaymentsWebhookReceiver

    def verify_all(self) -> list[stripe.Event]:
        """Every post so far, checked the way the platform checks it."""
        return [
            stripe.Webhook.construct_event(post.body, post.signature, self.secret)
            for post in self.receiver.received()
        ]


@pytest.fixture(scope="session")
def payments_sandbox(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[PaymentsSandboxProcess]:
    sandbox = PaymentsSandboxProcess(tmp_path_factory.mktemp("payments_sandbox"))
    sandbox.start()
    yield sandbox
    sandbox.stop()


@pytest.fixture
def payments_sandbox_launcher(
    tmp_path: Path,
) -> Iterator[Callable[..., PaymentsSandboxProcess]]:
    """Start a private sandbox (own database) for tests that stop or configure it."""
    started: list[PaymentsSandboxProcess] = []

    def launch(**env: str) -> PaymentsSandboxProcess:
        workdir = tmp_path / f"sandbox{len(started)}"
        workdir.mkdir()
        sandbox = PaymentsSandboxProcess(workdir, env)
        started.append(sandbox)
        sandbox.start()
        return sandbox

    yield launch
    for sandbox in started:
        sandbox.stop()


@pytest.fixture
def payments_sandbox_client(payments_sandbox: PaymentsSandboxProcess) -> stripe.StripeClient:
    return payments_sandbox.client()


@pytest.fixture
def payments_sandbox_receiver() -> Iterator[PaymentsWebhookReceiver]:
    receiver = PaymentsWebhookReceiver()
    yield receiver
    receiver.close()


@pytest.fixture
def payments_sandbox_endpoint(
    payments_sandbox: PaymentsSandboxProcess, payments_sandbox_receiver: PaymentsWebhookReceiver
) -> Iterator[PaymentsWebhookEndpoint]:
    """The receiver registered for every event; removed afterwards so later tests stay quiet."""
    endpoint = payments_sandbox.client().v1.webhook_endpoints.create(
        params={"url": payments_sandbox_receiver.url, "enabled_events": ["*"]}
    )
    assert endpoint.secret is not None
    yield PaymentsWebhookEndpoint(endpoint.id, endpoint.secret, payments_sandbox_receiver)
    with payments_sandbox.http() as http:
        http.delete(f"/v1/webhook_endpoints/{endpoint.id}")


@pytest.fixture
def payments_sandbox_faults(
    payments_sandbox: PaymentsSandboxProcess,
) -> Iterator[Callable[..., None]]:
    """Switch faults on for one test; they are cleared afterwards whatever happens."""
    yield payments_sandbox.set_faults
    payments_sandbox.set_faults()
