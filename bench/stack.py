"""The three servers a donation crosses, started as production starts them, for the benches.

The portal and the payment sandbox run under gunicorn with threads; the WeChat
stand-in (used only to log in) under its own server. Each bench gets its own
temporary instance directory; the database is SQLite there unless
BENCH_DATABASE_URL names a PostgreSQL database.
"""

from __future__ import annotations

import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from donations.payments.event_types import subscription

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


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_of(pid: int) -> float:
    """CPU seconds a process has used (user + system, its reaped children's too)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # gone, or not Linux
        return 0.0
    # After the command: state is field 3, utime..cstime are fields 14-17 (1-based).
    return sum(int(value) for value in fields[11:15]) / _TICKS


def _processes() -> list[tuple[int, int, str]]:
    """(pid, parent pid, command name) of every process we can see."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            head, tail = (entry / "stat").read_text().rsplit(")", 1)
        except OSError:
            continue
        found.append((int(entry.name), int(tail.split()[1]), head.split("(", 1)[1]))
    return found


def cpu_seconds(roots: dict[str, int], database: str) -> dict[str, float]:
    """CPU seconds used so far by each named server (its process and descendants),
    by the database server's processes (PostgreSQL only; SQLite runs inside the
    portal), and by this process, the load generator."""
    processes = _processes()
    children: dict[int, list[int]] = {}
    for pid, parent, _ in processes:
        children.setdefault(parent, []).append(pid)
    used: dict[str, float] = {}
    for name, root in roots.items():
        tree, pending = [], [root]
        while pending:
            pid = pending.pop()
            tree.append(pid)
            pending.extend(children.get(pid, []))
        used[name] = sum(_cpu_of(pid) for pid in tree)
    if database == "PostgreSQL":
        used["database"] = sum(_cpu_of(pid) for pid, _, name in processes if name == "postgres")
    used["load generator"] = _cpu_of(os.getpid())
    return used


def load_line() -> str:
    """The machine and how busy it is: figures are only comparable with these beside them."""
    try:
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        load = "unknown"
    return (
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; load average (1, 5, 15 min): {load}"
    )


@dataclass
class Stack:
    portal_workers: int = 2
    portal_threads: int = 12
    sandbox_threads: int = 16
    webhook_lanes: int = 4
    # What the sandbox sends the portal: what it acts on (`*`: every event, as before).
    webhook_events: str = field(default_factory=subscription)
    # Portal requests per worker that may wait for a payment (DONATION_WAIT_SLOTS).
    wait_slots: int = 8
    base_port: int = 0
    extra_env: dict[str, str] = field(default_factory=dict)
    tmp: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="bench-donate-")))
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.base_port:
            ports = (self.base_port, self.base_port + 1, self.base_port + 2)
        else:
            ports = (free_port(), free_port(), free_port())
        self.portal_port, self.pay_port, self.wx_port = ports
        self.database_url = (
            os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{self.tmp / 'portal.sqlite3'}"
        )
        self.env = {
            **os.environ,
            "INSTANCE_PATH": str(self.tmp),
            "DATABASE_URL": self.database_url,
            "PAYMENT_WEBHOOK_SECRETS": SECRET,
            "SANDBOX_PORT": str(self.pay_port),
            "WECHAT_PORT": str(self.wx_port),
            "BACKGROUND_JOBS": "off",
            "DONATION_WAIT_SLOTS": str(self.wait_slots),
            **self.extra_env,
        }

    @property
    def portal(self) -> str:
        return f"http://127.0.0.1:{self.portal_port}"

    @property
    def payments(self) -> str:
        return f"http://127.0.0.1:{self.pay_port}"

    @property
    def database(self) -> str:
        return "PostgreSQL" if self.database_url.startswith("postgres") else "SQLite"

    def describe(self) -> str:
        return (
            f"database: {self.database}; portal: gunicorn {self.portal_workers} workers x "
            f"{self.portal_threads} threads, {self.wait_slots} waiting slots each; payment sandbox: gunicorn 1 worker x "
            f"{self.sandbox_threads} threads, {self.webhook_lanes} webhook lanes"
        )

    def flask(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "flask", "--app", "portal", *args],
            cwd=ROOT,
            env=self.env,
            check=check,
            capture_output=True,
            text=True,
        )

    def prepare(self) -> str:
        """Migrate, and create an active project with room for every bench donation."""
        self.flask("db", "upgrade")
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
            "    p = Project(title='bench', summary='', charity_name='bench',\n"
            "                fundraising_reg_no='B', lat=22.38, lng=112.69, goal_fen=10**12,\n"
            "                status=ProjectStatus.ACTIVE, starts_on=t - timedelta(days=1),\n"
            "                ends_on=t + timedelta(days=30), daily_max_fen=10**12,\n"
            "                daily_max_count=10**6)\n"
            "    db.session.add(p); db.session.flush(); default_pool(p.id); db.session.commit()\n"
            "    print(p.id)\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        )
        return out.stdout.strip().splitlines()[-1]

    def start(self) -> None:
        # A generous worker timeout: on a machine shared with other loads, a worker
        # late with its heartbeat must not be killed with requests in hand.
        gunicorn = [
            *(sys.executable, "-m", "gunicorn", "-c", str(ROOT / "bench" / "gunicorn.conf.py")),
            *("-k", "gthread", "--log-level", "warning"),
            *("--timeout", "120"),
        ]
        self.procs = [
            subprocess.Popen(
                [
                    *gunicorn,
                    # One worker: the fault settings and the delivery lanes live in the process.
                    "-w",
                    "1",
                    "--threads",
                    str(self.sandbox_threads),
                    "-b",
                    f"127.0.0.1:{self.pay_port}",
                    "sandboxes.payments.app:create_app()",
                ],
                cwd=ROOT,
                env={
                    **self.env,
                    "SANDBOX_DB": str(self.tmp / "pay.sqlite3"),
                    "SANDBOX_WEBHOOK_URL": f"{self.portal}/api/payments/webhook",
                    "SANDBOX_WEBHOOK_SECRET": SECRET,
                    "SANDBOX_WEBHOOK_LANES": str(self.webhook_lanes),
                    "SANDBOX_WEBHOOK_EVENTS": self.webhook_events,
                },
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            ),
            subprocess.Popen(
                [sys.executable, "-m", "sandboxes.wechat", "--port", str(self.wx_port)],
                cwd=ROOT,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            ),
            subprocess.Popen(
                [
                    *gunicorn,
                    "-w",
                    str(self.portal_workers),
                    "--threads",
                    str(self.portal_threads),
                    "-b",
                    f"127.0.0.1:{self.portal_port}",
                    "portal:create_app()",
                ],
                cwd=ROOT,
                env=self.env,
            ),
        ]
        wait_healthy(f"{self.portal}/healthz")
        wait_healthy(f"{self.payments}/healthz")
        wait_healthy(f"http://127.0.0.1:{self.wx_port}/healthz")

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds used so far by the portal, the payment sandbox, the database and
        the load generator: subtract two readings to see where a run's time went."""
        roots = {"portal": self.procs[2].pid, "payment sandbox": self.procs[0].pid}
        return cpu_seconds(roots, self.database)

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()

    def ledger_check(self) -> tuple[bool, str]:
        done = self.flask("ledger-check", check=False)
        return done.returncode == 0, (done.stdout + done.stderr).strip()

    def reconcile(self) -> tuple[bool, str]:
        done = self.flask("reconcile", check=False)
        return done.returncode == 0, (done.stdout + done.stderr).strip()

    def donation_counts(self, project_id: str) -> dict[str, int]:
        """How many of the project's donations are in each status, and their paid sum."""
        code = (
            "from sqlalchemy import func, select\n"
            "from portal import create_app\n"
            "from core.db import db\n"
            "from donations.giving.models import Donation\n"
            "app = create_app()\n"
            "with app.app_context():\n"
            "    rows = db.session.execute(select(Donation.status, func.count(),\n"
            "        func.coalesce(func.sum(Donation.amount_fen), 0))\n"
            f"        .where(Donation.project_id == {project_id!r})\n"
            "        .group_by(Donation.status)).all()\n"
            "    for status, n, fen in rows: print(f'{status} {n} {fen}')\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        )
        counts: dict[str, int] = {}
        for line in out.stdout.strip().splitlines():
            status, n, fen = line.split()
            counts[status] = int(n)
            counts[f"{status}_fen"] = int(fen)
        return counts
