"""`make run` stops every server it started, whichever stop signal arrives and however.

Each test starts the devserver the way `make run` does (make running
`python -m portal.devserver`, in a process group of its own, on a migrated scratch
SQLite database and free ports), waits until the portal and both stand-ins answer,
sends one signal either to the whole process group or to the devserver alone, and
checks that no process is left and every port is closed.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from portal.devserver import REQUEST_LINE
from sandboxes.wechat.testing import free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SERVERS = ("PORTAL_PORT", "SANDBOX_PORT", "WECHAT_PORT")
STOP_WITHIN_S = 8


@pytest.fixture(scope="module")
def migrated_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a fresh development instance, its database migrated."""
    instance = tmp_path_factory.mktemp("devserver")
    env = {
        **os.environ,
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": f"sqlite:///{instance / 'portal.sqlite3'}",
        "PORTAL_ENV": "development",
    }
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "portal", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return env


def _parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = stat.rpartition(")")[2].split()
    return None if fields[0] == "Z" else int(fields[1])


def _children_of(pid: int) -> list[int]:
    return [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and _parent_of(int(entry.name)) == pid
    ]


def _command_of(pid: int) -> str:
    with suppress(FileNotFoundError, ProcessLookupError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    return f"process {pid}"


def _alive(pid: int) -> bool:
    return _parent_of(pid) is not None  # gone, or a zombie nobody has reaped yet


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _all_answer(ports: dict[str, int], deadline_s: float = 60) -> bool:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        with suppress(httpx.HTTPError):  # not up yet
            if all(
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
                for port in ports.values()
            ):
                return True
        time.sleep(0.2)
    return False


@dataclass(frozen=True)
class MakeRun:
    make: int  # also its process group
    devserver: int
    servers: list[int]  # the devserver's children: the payment sandbox and the WeChat stand-in
    ports: dict[str, int]
    log: Path  # what `make run` printed


@pytest.fixture()
def make_run(migrated_env: dict[str, str], tmp_path: Path) -> Iterator[MakeRun]:
    """`make run`'s last step, started and answering on free ports."""
    ports = {name: free_port() for name in SERVERS}
    env = {
        **migrated_env,
        **{name: str(port) for name, port in ports.items()},
        "PAYMENT_API_BASE": f"http://127.0.0.1:{ports['SANDBOX_PORT']}",
        "WECHAT_API_BASE": f"http://127.0.0.1:{ports['WECHAT_PORT']}",
    }
    env.pop("DEVSERVER_LOG_HEALTHZ", None)  # the log's defaults are under test
    makefile = tmp_path / "Makefile"
    makefile.write_text(f"run:\n\t{sys.executable} -m portal.devserver\n")
    log = tmp_path / "make-run.log"
    with log.open("wb") as output:
        make = subprocess.Popen(
            ["make", "-s", "-C", str(ROOT), "-f", str(makefile), "run"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a process group of its own, as a terminal gives it
        )
    tree = [make.pid]
    try:
        assert _all_answer(ports), log.read_text()
        [devserver] = _children_of(make.pid)
        servers = _children_of(devserver)
        tree += [devserver, *servers]
        yield MakeRun(make.pid, devserver, servers, ports, log)
    finally:
        # Whatever the test found, leave nothing running behind it.
        for pid in tree:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        make.wait(10)


@pytest.mark.parametrize(
    "signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT], ids=["TERM", "HUP", "INT"]
)
@pytest.mark.parametrize("target", ["process-group", "devserver-only"])
def test_a_stop_signal_stops_every_server(make_run, signum, target):
    assert len(make_run.servers) == 2

    if target == "process-group":
        os.killpg(make_run.make, signum)
    else:
        os.kill(make_run.devserver, signum)

    pids = [make_run.devserver, *make_run.servers]
    ports = make_run.ports
    deadline = time.monotonic() + STOP_WITHIN_S
    while time.monotonic() < deadline and (
        any(_alive(pid) for pid in pids) or any(_listening(port) for port in ports.values())
    ):
        time.sleep(0.1)
    assert [_command_of(pid) for pid in pids if _alive(pid)] == []
    assert [name for name, port in ports.items() if _listening(port)] == []


def test_it_prints_where_to_go_then_one_line_per_request(make_run):
    portal = f"http://127.0.0.1:{make_run.ports['PORTAL_PORT']}"
    deadline = time.monotonic() + 30
    while "Ctrl-C stops every server" not in make_run.log.read_text():
        assert time.monotonic() < deadline, make_run.log.read_text()
        time.sleep(0.2)
    httpx.get(f"{portal}/login?next=/persons")
    httpx.get(f"http://127.0.0.1:{make_run.ports['WECHAT_PORT']}/cgi-bin/token")
    while "GET /cgi-bin/token" not in make_run.log.read_text():
        assert time.monotonic() < deadline, make_run.log.read_text()
        time.sleep(0.2)

    printed = make_run.log.read_text()
    for name in SERVERS:
        assert f"http://127.0.0.1:{make_run.ports[name]}/" in printed
    assert "create-user" in printed  # this database has no demo accounts to name
    requests = [line for line in printed.splitlines() if re.match(r"\d\d:\d\d:\d\d ", line)]
    assert all(REQUEST_LINE.match(line) for line in requests), printed
    # Reconciliation, a periodic job, reads the payment sandbox's events as it likes.
    assert [line[9:] for line in requests if " payments " not in line] == [
        "portal   GET /login 200",
        "wechat   GET /cgi-bin/token 200",
    ], printed
    # Every server answered many health checks, none of them logged; werkzeug's banner
    # and the stand-ins' own start-up lines are not shown either.
    assert "/healthz" not in printed
    assert "development server" not in printed
    assert "listening on" not in printed
