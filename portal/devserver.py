"""`make run`: the portal with the API, plus every stand-in server, stopped together on
Ctrl-C, `kill` or a hang-up.

Development only: one process, background jobs in a thread (BACKGROUND_JOBS=inprocess).

What it prints: once every server answers (and, on the first run, the demo has made
its donation history), where to go and whom to sign in as; after that one line per
request from every server in one format, `HH:MM:SS server METHOD /path status`, and
whatever goes wrong. Health checks are left out unless DEVSERVER_LOG_HEALTHZ=1. The
stand-ins' output passes through this process, which keeps their start-up lines to
itself (it names every address in one place) and, while the demo makes its history,
every server's request lines too: hundreds of them, made by the demo, not by you.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from http import HTTPStatus
from importlib.util import find_spec
from pathlib import Path
from types import FrameType
from typing import IO

from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from core.db import db
from core.http import wait_for
from core.wings import registry
from donations.payments.event_types import subscription
from portal.demo.seed import DEMO_PASSWORD, demo_usernames_present
from portal.jobs import start_background_jobs

ROOT = Path(__file__).resolve().parent.parent

# A request line, as every server of `make run` writes it (sandboxes/requestlog.py too).
REQUEST_LINE = re.compile(r"^\d\d:\d\d:\d\d \S+ +(?:[A-Z]+|-) (?:/\S*|-) (?:\d{3}|-)$")
# What the stand-ins say when they start; the banner names every address instead.
START_UP_LINES = ("listening on http", "webhook endpoint we_")


def logs_health_checks() -> bool:
    return os.environ.get("DEVSERVER_LOG_HEALTHZ", "").lower() in ("1", "true", "yes")


def request_line(server: str, method: str | None, target: str, status: object) -> str | None:
    """The line for one request, or None for a health check nobody asked to see. The
    query string is left out: the line says which call was made, not with what."""
    path = target.split("?", 1)[0] or "-"
    # A client may send control characters: they must not forge lines on a terminal.
    path = "".join(ch if ch.isprintable() and not ch.isspace() else "?" for ch in path)
    if path == "/healthz" and not logs_health_checks():
        return None
    if isinstance(status, HTTPStatus):
        status = status.value
    return f"{time.strftime('%H:%M:%S')} {server:<8} {method or '-'} {path} {status}"


class Console:
    """Everything `make run` prints, from this process and the stand-ins, a line at a time."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.lock = threading.Lock()
        # Set while the demo makes its history: request lines are dropped.
        self.quiet = threading.Event()

    def say(self, text: str) -> None:
        with self.lock, suppress(OSError):  # after a hang-up the terminal may be gone
            self.out.write(text.rstrip("\n") + "\n")
            self.out.flush()

    def request(self, line: str) -> None:
        if not self.quiet.is_set():
            self.say(line)

    def relay(self, lines: Iterable[str]) -> None:
        """A stand-in's output: start-up lines dropped, request lines as `request`."""
        for line in lines:
            if any(marker in line for marker in START_UP_LINES):
                continue
            if REQUEST_LINE.match(line.rstrip("\n")):
                self.request(line)
            else:
                self.say(line)

    def handler(self) -> type[WSGIRequestHandler]:
        """The portal's request handler: one request line each, through this console."""
        console = self

        class RequestLog(WSGIRequestHandler):
            def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
                line = request_line("portal", self.command, getattr(self, "path", ""), code)
                if line is not None:
                    console.request(line)

        return RequestLog


@dataclass(frozen=True)
class Child:
    """A stand-in server `make run` starts beside the portal."""

    label: str
    command: list[str]
    env: dict[str, str]
    url: str


def _children() -> list[Child]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}  # their lines reach us as they are written
    instance = Path(env.get("INSTANCE_PATH", ROOT / "instance"))
    instance.mkdir(parents=True, exist_ok=True)
    portal_port = env.get("PORTAL_PORT", "5000")
    servers: list[Child] = []
    if find_spec("sandboxes.payments") is not None:
        port = env.get("SANDBOX_PORT", "12111")
        env_pay = {
            **env,
            "SANDBOX_PORT": port,
            "SANDBOX_DB": env.get("SANDBOX_DB", str(instance / "sandbox_payments.sqlite3")),
            "SANDBOX_WEBHOOK_URL": env.get(
                "SANDBOX_WEBHOOK_URL", f"http://127.0.0.1:{portal_port}/api/payments/webhook"
            ),
            # The first of the secrets the portal accepts signs the sandbox's webhooks.
            "SANDBOX_WEBHOOK_SECRET": env.get("PAYMENT_WEBHOOK_SECRETS", "whsec_dev_sandbox").split(
                ","
            )[0],
            # Only what the platform acts on, as a real endpoint is subscribed.
            "SANDBOX_WEBHOOK_EVENTS": env.get("SANDBOX_WEBHOOK_EVENTS", subscription()),
        }
        servers.append(
            Child(
                "payment sandbox",
                [sys.executable, "-m", "sandboxes.payments"],
                env_pay,
                f"http://127.0.0.1:{port}/",
            )
        )
    if find_spec("sandboxes.wechat") is not None:
        port = env.get("WECHAT_PORT", "12112")
        env_wx = {
            **env,
            "WECHAT_PORT": port,
            "WECHAT_DB": env.get("WECHAT_DB", str(instance / "sandbox_wechat.sqlite3")),
        }
        servers.append(
            Child(
                "WeChat sandbox",
                [sys.executable, "-m", "sandboxes.wechat"],
                env_wx,
                f"http://127.0.0.1:{port}/",
            )
        )
    return servers


def port_of_portal() -> int:
    return int(os.environ.get("PORTAL_PORT", "5000"))


def banner(portal_url: str, children: list[Child], demo_accounts: list[str]) -> list[str]:
    """Where to go and whom to sign in as: what `make run` prints once all is ready."""
    places = [
        ("staff portal", portal_url),
        ("mini-program API", portal_url + "api/mp/v1/openapi.json"),
        *((child.label, child.url) for child in children),
    ]
    lines = [" * ready:"]
    lines += [f"     {label:<18} {url}" for label, url in places]
    if demo_accounts:
        lines.append(f" * demo accounts, all with the password {DEMO_PASSWORD}:")
        lines.append("     " + ", ".join(demo_accounts))
        lines.append("     and one officer per office: officer-chikan, officer-sanbu, ...")
    else:
        lines.append(" * no demo accounts here: flask --app portal create-user makes one")
    lines.append(" * README.md and docs/ explain the rest; Ctrl-C stops every server")
    return lines


def _when_ready(app: Flask, children: list[Child], console: Console) -> None:
    """Once every server answers: the demo's history (first run only), the periodic
    jobs (reconciliation would only fail against a sandbox not yet up), the banner."""
    portal_url = f"http://127.0.0.1:{port_of_portal()}/"
    silent = [
        url for url in (portal_url, *(c.url for c in children)) if not wait_for(url + "healthz")
    ]
    if not silent:
        console.quiet.set()
        try:
            for make_history in registry(app).live_demo:
                make_history(app)
        finally:
            console.quiet.clear()
    start_background_jobs(app)
    if silent:
        console.say(f" * no answer from {', '.join(silent)}: see the lines above")
        return
    with app.app_context():
        accounts = demo_usernames_present()
        db.session.remove()
    for line in banner(portal_url, children, accounts):
        console.say(line)


# Each ends `make run`: Ctrl-C, `kill` (to the devserver or to make's whole process
# group), and the hang-up of a closed terminal.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class _StopOnce:
    """Signal handler: the first stop signal ends the portal's server loop (werkzeug's
    ends on KeyboardInterrupt); later ones are ignored. More do come (make repeats a
    SIGTERM sent to its process group to its own child, a user presses Ctrl-C twice),
    and raised while the children are being stopped they would cut that short and
    leave a server running."""

    def __init__(self) -> None:
        self.stopping = False

    def __call__(self, _signum: int, _frame: FrameType | None) -> None:
        if not self.stopping:
            self.stopping = True
            raise KeyboardInterrupt


def main() -> None:
    stop_once = _StopOnce()
    # Before the first child starts, so that no signal finds a child nobody will stop;
    # SIGINT too, which a shell may have ignored for background jobs.
    for signum in STOP_SIGNALS:
        signal.signal(signum, stop_once)
    console = Console(sys.stdout)
    children = _children()
    console.say(" * starting the staff portal, " + ", ".join(c.label for c in children))
    processes: list[subprocess.Popen[str]] = []
    try:
        with suppress(KeyboardInterrupt):  # a stop signal: stop everything
            for child in children:
                # A session of their own: signals for make's process group or the
                # terminal reach this process alone, which stops each child once.
                process = subprocess.Popen(  # noqa: S603
                    child.command,
                    cwd=ROOT,
                    env=child.env,
                    start_new_session=True,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    encoding="utf-8",
                    errors="replace",
                )
                processes.append(process)
                assert process.stdout is not None
                threading.Thread(target=console.relay, args=(process.stdout,), daemon=True).start()
            _serve_portal(children, console)
    finally:
        stop_once.stopping = True  # also when the portal failed to start
        _stop_all(processes, console)


def _serve_portal(children: list[Child], console: Console) -> None:
    from portal.app import create_app

    app = create_app()
    port = port_of_portal()
    try:
        server = make_server(
            "127.0.0.1", port, app, threaded=True, request_handler=console.handler()
        )
    except OSError as error:
        console.say(f" * the portal cannot listen on port {port} ({error}); set PORTAL_PORT")
        raise SystemExit(1) from error
    threading.Thread(target=_when_ready, args=(app, children, console), daemon=True).start()
    server.serve_forever()  # returns on KeyboardInterrupt (a stop signal)


def _stop_all(processes: list[subprocess.Popen[str]], console: Console) -> None:
    for process in processes:
        process.terminate()
    deadline = time.monotonic() + 5
    for process in processes:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    console.say(" * all servers stopped")


if __name__ == "__main__":
    main()
