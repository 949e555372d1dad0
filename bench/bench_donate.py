"""`make bench-donate`: the whole donor journey with N concurrent donors, over real HTTP.

Each donor logs in through the WeChat stand-in, then repeatedly creates a
donation, confirms it at the payment sandbox with the publishable key (as the
mini-program does), and waits until the webhook has landed in the ledger
(GET /donations/{id} says succeeded). The portal runs under gunicorn, as in
production. In the same run, a trivial JSON endpoint (GET /api/mp/v1/privacy) is
loaded with the same concurrency, and the ratio of the two is printed.

Not a test: it prints figures. Options: --donors N --per-donor K --seconds S;
BENCH_DATABASE_URL selects PostgreSQL (default: SQLite in a temp directory).
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import suppress
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SECRET = "whsec_bench"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, deadline_s: float = 60) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        with suppress(httpx.HTTPError):  # not up yet
            if httpx.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.3)
    raise SystemExit(f"server at {url} did not become healthy")


def prepare(env: dict[str, str]) -> str:
    """Migrate, and create an active project; returns its id."""
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "portal", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    code = (
        "from datetime import timedelta\n"
        "from portal import create_app\n"
        "from core.db import db\n"
        "from core.timeutil import local_today\n"
        "from donations.projects.models import Project, ProjectStatus\n"
        "from donations.giving.booking import default_pool\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    t = local_today()\n"
        "    p = Project(title='bench', summary='', charity_name='bench', fundraising_reg_no='B',\n"
        "                lat=22.38, lng=112.69, goal_fen=10**12, status=ProjectStatus.ACTIVE,\n"
        "                starts_on=t - timedelta(days=1), ends_on=t + timedelta(days=30),\n"
        "                daily_max_fen=10**12, daily_max_count=100000)\n"
        "    db.session.add(p); db.session.flush(); default_pool(p.id); db.session.commit()\n"
        "    print(p.id)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return out.stdout.strip().splitlines()[-1]


def donor_journey(
    base: str,
    project_id: str,
    name: str,
    count: int,
    latencies: list[float],
    errors: list[str],
    lock: threading.Lock,
) -> None:
    with httpx.Client(base_url=base, timeout=30) as api, httpx.Client(timeout=30) as pay:
        # Accept the notice the server has in force, as the mini-program does.
        version = api.get("/api/mp/v1/privacy").json()["version"]
        login = api.post(
            "/api/mp/v1/auth/login", json={"code": f"test-{name}", "privacy_version": version}
        )
        if login.status_code != 200:
            errors.append(f"login {login.status_code}")
            return
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        for _ in range(count):
            started = time.perf_counter()
            created = api.post(
                "/api/mp/v1/donations",
                json={"project_id": project_id, "amount_fen": 1000},
                headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
            )
            if created.status_code != 201:
                errors.append(f"create {created.status_code} {created.text[:100]}")
                continue
            body = created.json()
            payment = body["payment"]
            confirm = pay.post(
                f"{payment['api_base']}/v1/payment_intents/{payment['payment_intent']}/confirm",
                headers={"Authorization": f"Bearer {payment['publishable_key']}"},
                data={"payment_method": "pm_card_visa", "client_secret": payment["client_secret"]},
            )
            if confirm.status_code != 200:
                errors.append(f"confirm {confirm.status_code}")
                continue
            donation_id = body["donation"]["id"]
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                status = api.get(f"/api/mp/v1/donations/{donation_id}", headers=headers).json()
                if status.get("status") == "succeeded":
                    break
                time.sleep(0.02)
            else:
                errors.append("webhook did not land within 30 s")
                continue
            with lock:
                latencies.append(time.perf_counter() - started)


def trivial_load(base: str, threads: int, seconds: float) -> float:
    count = [0] * threads
    stop = time.monotonic() + seconds

    def worker(i: int) -> None:
        with httpx.Client(base_url=base, timeout=10) as client:
            while time.monotonic() < stop:
                if client.get("/api/mp/v1/privacy").status_code == 200:
                    count[i] += 1

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return sum(count) / seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--donors", type=int, default=16)
    parser.add_argument("--per-donor", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-donate-"))
    database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'portal.sqlite3'}"
    portal_port, pay_port, wx_port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "INSTANCE_PATH": str(tmp),
        "DATABASE_URL": database_url,
        "PAYMENT_WEBHOOK_SECRETS": SECRET,
        "SANDBOX_PORT": str(pay_port),
        "WECHAT_PORT": str(wx_port),
        "BACKGROUND_JOBS": "off",
    }
    project_id = prepare(env)
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sandboxes.payments",
                "--port",
                str(pay_port),
                "--db",
                str(tmp / "pay.sqlite3"),
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={
                **env,
                "SANDBOX_WEBHOOK_URL": f"http://127.0.0.1:{portal_port}/api/payments/webhook",
                "SANDBOX_WEBHOOK_SECRET": SECRET,
            },
        ),
        subprocess.Popen(
            [sys.executable, "-m", "sandboxes.wechat", "--port", str(wx_port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                str(args.workers),
                "-k",
                "gthread",
                "--threads",
                "8",
                "-b",
                f"127.0.0.1:{portal_port}",
                "--log-level",
                "warning",
                "portal:create_app()",
            ],
            cwd=ROOT,
            env=env,
        ),
    ]
    try:
        base = f"http://127.0.0.1:{portal_port}"
        wait_healthy(f"{base}/healthz")
        wait_healthy(f"http://127.0.0.1:{pay_port}/healthz")
        wait_healthy(f"http://127.0.0.1:{wx_port}/healthz")
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        started = time.perf_counter()
        threads = [
            threading.Thread(
                target=donor_journey,
                args=(
                    base,
                    project_id,
                    f"bench{i}-{uuid.uuid4().hex[:6]}",
                    args.per_donor,
                    latencies,
                    errors,
                    lock,
                ),
            )
            for i in range(args.donors)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        rate = len(latencies) / elapsed if elapsed else 0.0
        trivial = trivial_load(base, args.donors, args.seconds)
        lat = sorted(latencies)
        p50 = statistics.median(lat) if lat else float("nan")
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] if lat else float("nan")
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        )
        print(
            f"database: {'PostgreSQL' if database_url.startswith('postgres') else 'SQLite'}; "
            f"portal: gunicorn {args.workers} workers x 8 threads"
        )
        print(
            f"donors: {args.donors} concurrent x {args.per_donor} donations; errors: {len(errors)}"
        )
        for message in sorted(set(errors))[:5]:
            print(f"  error: {message}")
        print(
            f"full journey (create, confirm, webhook, ledger): {rate:.1f} donations/s, "
            f"p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms"
        )
        print(f"trivial JSON endpoint (GET /api/mp/v1/privacy): {trivial:.0f} requests/s")
        if rate:
            print(f"ratio trivial/journey: {trivial / rate:.1f}")
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    main()
