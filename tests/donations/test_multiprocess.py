"""The production shape under a donation burst: two app processes (gunicorn), one Celery
worker and the payment sandbox against one PostgreSQL database. The sandbox doubles and
shuffles its webhooks, and the app process that receives them is killed with SIGKILL
halfway through. Afterwards nothing is lost or counted twice: every payment the
provider took is one succeeded donation, the ledger check passes, and the reconciliation
run by the worker agrees with the provider to the fen."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import ExitStack, suppress
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from celery import Celery
from sqlalchemy import create_engine, text

from tests.conftest import TEST_KEYS
from tests.live import scratch_database

pytestmark = pytest.mark.postgres_only

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SECRET = "whsec_multiprocess"
BROKER = "redis://127.0.0.1:6379/6"
DONORS = 8
PER_DONOR = 13  # 104 donations
AMOUNT_FEN = 1234


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, deadline_s: float = 90) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        with suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.3)
    raise AssertionError(f"{url} did not answer")


PREPARE = """
from datetime import timedelta
from portal import create_app
from core.db import db
from core.timeutil import local_today
from donations.projects.models import Project, ProjectStatus
from donations.giving.booking import default_pool
app = create_app()
with app.app_context():
    t = local_today()
    p = Project(title='burst', summary='', charity_name='burst', fundraising_reg_no='B',
                lat=22.38, lng=112.69, goal_fen=10**12, status=ProjectStatus.ACTIVE,
                starts_on=t - timedelta(days=1), ends_on=t + timedelta(days=30),
                daily_max_fen=10**12, daily_max_count=100000)
    db.session.add(p); db.session.flush(); default_pool(p.id); db.session.commit()
    print(p.id)
"""


class Burst:
    """Donors giving through the API, failing over from a dead app process to the other."""

    def __init__(self, bases: list[str], project_id: str) -> None:
        self.bases = bases
        self.project_id = project_id
        self.dead: set[str] = set()
        self.paid: list[str] = []  # payment intents the provider confirmed
        self.errors: list[str] = []
        self.replayed = 0
        self.lock = threading.Lock()

    def _call(self, first: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The request on `first`, or on another process when that one is gone: a load
        balancer's retry. The idempotency key makes the retry the same request."""
        for base in [first, *(b for b in self.bases if b != first)]:
            if base in self.dead:
                continue
            try:
                return httpx.request(method, base + path, timeout=30, **kwargs)
            except httpx.TransportError:
                self.dead.add(base)
        raise AssertionError("no app process answers")

    def donor(self, index: int) -> None:
        home = self.bases[index % len(self.bases)]
        version = self._call(home, "GET", "/api/mp/v1/privacy").json()["version"]
        login = self._call(
            home,
            "POST",
            "/api/mp/v1/auth/login",
            json={"code": f"test-burst-{index}", "privacy_version": version},
        )
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        for _ in range(PER_DONOR):
            key = uuid.uuid4().hex
            created = self._call(
                home,
                "POST",
                "/api/mp/v1/donations",
                json={"project_id": self.project_id, "amount_fen": AMOUNT_FEN},
                headers={**headers, "Idempotency-Key": key},
            )
            # 200: the same request again after a failover, answered from its first time.
            if created.status_code not in (200, 201):
                with self.lock:
                    self.errors.append(f"create {created.status_code} {created.text[:120]}")
                continue
            payment = created.json()["payment"]
            confirm = httpx.post(
                f"{payment['api_base']}/v1/payment_intents/{payment['payment_intent']}/confirm",
                headers={"Authorization": f"Bearer {payment['publishable_key']}"},
                data={"payment_method": "pm_card_visa", "client_secret": payment["client_secret"]},
                timeout=30,
            )
            with self.lock:
                self.replayed += created.status_code == 200
                if confirm.status_code == 200:
                    self.paid.append(payment["payment_intent"])
                else:
                    self.errors.append(f"confirm {confirm.status_code}")


def _provider_payments(pay_base: str) -> dict[str, int]:
    """Succeeded payments at the provider, from its event list: intent id -> fen."""
    paid: dict[str, int] = {}
    after: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 100}
        if after:
            params["starting_after"] = after
        page = httpx.get(
            f"{pay_base}/v1/events",
            params=params,
            headers={"Authorization": "Bearer sk_test_sandbox"},
            timeout=30,
        ).json()
        for event in page["data"]:
            if event["type"] == "payment_intent.succeeded":
                intent = event["data"]["object"]
                paid[intent["id"]] = int(intent["amount"])
        if not page.get("has_more") or not page["data"]:
            return paid
        after = page["data"][-1]["id"]


def _wait_for_reconcile(url: str, since_id: int, deadline_s: float = 60) -> None:
    engine = create_engine(url)
    try:
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            with engine.connect() as conn:
                status = conn.scalar(
                    text(
                        "SELECT status FROM job_run WHERE job = 'reconcile' AND id > :id"
                        " AND status <> 'running' ORDER BY id DESC LIMIT 1"
                    ),
                    {"id": since_id},
                )
            if status == "succeeded":
                return
            time.sleep(0.5)
        raise AssertionError("the worker did not reconcile in time")
    finally:
        engine.dispose()


def test_a_burst_across_two_app_processes_loses_nothing_when_one_is_killed(tmp_path):
    with scratch_database("multiproc") as url, ExitStack() as stack:
        pay_port, wx_port, port_a, port_b = _port(), _port(), _port(), _port()
        queue = f"multiproc-{uuid.uuid4().hex[:8]}"
        env = {
            **os.environ,
            **TEST_KEYS,
            "INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": url,
            "PAYMENT_WEBHOOK_SECRETS": SECRET,
            "SANDBOX_PORT": str(pay_port),
            "WECHAT_PORT": str(wx_port),
            "WECHAT_API_BASE": f"http://127.0.0.1:{wx_port}/",
            "BACKGROUND_JOBS": "celery",
            "CELERY_BROKER_URL": BROKER,
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("TEST_DATABASE_URL", None)
        subprocess.run(
            [str(BIN / "flask"), "--app", "portal", "db", "upgrade", "-x", "quiet=1"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        project_id = subprocess.run(
            [sys.executable, "-c", PREPARE],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()[-1]

        log = (tmp_path / "processes.log").open("w")
        stack.callback(log.close)

        def start(
            command: list[str], extra: dict[str, str] | None = None
        ) -> subprocess.Popen[bytes]:
            process = subprocess.Popen(
                command, cwd=ROOT, env={**env, **(extra or {})}, stdout=log, stderr=log
            )

            def stop() -> None:
                if process.poll() is None:
                    process.kill()
                process.wait()

            stack.callback(stop)
            return process

        def app_process(port: int) -> subprocess.Popen[bytes]:
            return start(
                [
                    str(BIN / "gunicorn"),
                    "-c",
                    str(ROOT / "gunicorn.conf.py"),
                    "--log-level",
                    "warning",
                    "portal:create_app()",
                ],
                {"PORTAL_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"},
            )

        start(
            [sys.executable, "-m", "sandboxes.payments", "--port", str(pay_port)],
            {
                "SANDBOX_DB": str(tmp_path / "pay.sqlite3"),
                # The webhooks go to app process A, the one that is killed.
                "SANDBOX_WEBHOOK_URL": f"http://127.0.0.1:{port_a}/api/payments/webhook",
                "SANDBOX_WEBHOOK_SECRET": SECRET,
                "SANDBOX_RETRY_SCHEDULE": "0.2,0.5,1",
            },
        )
        start([sys.executable, "-m", "sandboxes.wechat", "--port", str(wx_port)])
        app_a = app_process(port_a)
        app_process(port_b)
        start(
            [
                str(BIN / "celery"),
                "-A",
                "portal.worker",
                "worker",
                "--pool",
                "solo",
                "--queues",
                queue,
                "--loglevel",
                "WARNING",
            ]
        )
        pay_base = f"http://127.0.0.1:{pay_port}"
        bases = [f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"]
        for base in [pay_base, f"http://127.0.0.1:{wx_port}", *bases]:
            _wait_healthy(base + "/healthz")
        faults = httpx.post(
            f"{pay_base}/_sandbox/faults",
            json={"webhook_duplicate_rate": 0.5, "webhook_reorder": True, "seed": 7},
            headers={"Authorization": "Bearer sk_test_sandbox"},
        )
        assert faults.status_code == 200

        burst = Burst(bases, project_id)
        donors = [threading.Thread(target=burst.donor, args=(i,)) for i in range(DONORS)]
        for donor in donors:
            donor.start()
        # Halfway through, the process that receives the webhooks dies mid-request.
        while len(burst.paid) < DONORS * PER_DONOR // 2 and any(d.is_alive() for d in donors):
            time.sleep(0.05)
        for pid in [*_children(app_a.pid), app_a.pid]:  # gunicorn's worker, then its arbiter
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for donor in donors:
            donor.join(timeout=120)
        assert not burst.errors, burst.errors[:5]
        assert len(burst.paid) == DONORS * PER_DONOR

        # The worker reconciles: what the dead process never received is booked now.
        engine = create_engine(url)
        with engine.connect() as conn:
            last = int(conn.scalar(text("SELECT coalesce(max(id), 0) FROM job_run")) or 0)
        engine.dispose()
        celery = Celery(broker=BROKER, set_as_current=False)
        celery.send_task("jobs.reconcile", queue=queue)
        _wait_for_reconcile(url, last)

        provider = _provider_payments(pay_base)
        assert set(provider) == set(burst.paid)
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                rows = conn.execute(
                    text(
                        "SELECT payment_intent_id, amount_fen FROM donation"
                        " WHERE status = 'succeeded'"
                    )
                ).all()
                report = conn.scalar(
                    text("SELECT report FROM reconcile_run ORDER BY id DESC LIMIT 1")
                )
                ok = conn.scalar(text("SELECT ok FROM reconcile_run ORDER BY id DESC LIMIT 1"))
                applied = conn.scalar(text("SELECT sum(applied) FROM reconcile_run"))
        finally:
            engine.dispose()
        booked = {intent: fen for intent, fen in rows}
        assert len(rows) == len(booked)  # no payment booked twice
        assert booked == provider
        assert sum(booked.values()) == sum(provider.values()) == AMOUNT_FEN * len(burst.paid)
        assert ok is True
        # The dead process missed webhooks: the worker's reconciliation booked them.
        assert bases[0] in burst.dead and applied and applied > 0
        assert not report["differences"] and not report["open_discrepancies"]

        checked = subprocess.run(
            [str(BIN / "flask"), "--app", "portal", "ledger-check"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
    redis.Redis.from_url(BROKER).delete(queue)


def _children(pid: int) -> list[int]:
    found = subprocess.run(
        ["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    return [int(child) for child in found]
