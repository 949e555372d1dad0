"""`make run`: the portal with the API, plus every stand-in server, stopped together on
Ctrl-C, `kill` or a hang-up.

Development only: one process, background jobs in a thread (BACKGROUND_JOBS=inprocess).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import suppress
from importlib.util import find_spec
from pathlib import Path
from types import FrameType

from flask import Flask
from werkzeug.serving import run_simple

from core.http import wait_for
from core.wings import registry

ROOT = Path(__file__).resolve().parent.parent


def _children() -> list[tuple[str, list[str], dict[str, str]]]:
    env = dict(os.environ)
    instance = Path(env.get("INSTANCE_PATH", ROOT / "instance"))
    instance.mkdir(parents=True, exist_ok=True)
    portal_port = env.get("PORTAL_PORT", "5000")
    servers: list[tuple[str, list[str], dict[str, str]]] = []
    if find_spec("sandboxes.payments") is not None:
        env_pay = {
            **env,
            "SANDBOX_PORT": env.get("SANDBOX_PORT", "12111"),
            "SANDBOX_DB": env.get("SANDBOX_DB", str(instance / "sandbox_payments.sqlite3")),
            "SANDBOX_WEBHOOK_URL": env.get(
                "SANDBOX_WEBHOOK_URL", f"http://127.0.0.1:{portal_port}/api/payments/webhook"
            ),
            # The first of the secrets the portal accepts signs the sandbox's webhooks.
            "SANDBOX_WEBHOOK_SECRET": env.get("PAYMENT_WEBHOOK_SECRETS", "whsec_dev_sandbox").split(
                ","
            )[0],
        }
        servers.append(("payments sandbox", [sys.executable, "-m", "sandboxes.payments"], env_pay))
    if find_spec("sandboxes.wechat") is not None:
        env_wx = {
            **env,
            "WECHAT_PORT": env.get("WECHAT_PORT", "12112"),
            "WECHAT_DB": env.get("WECHAT_DB", str(instance / "sandbox_wechat.sqlite3")),
        }
        servers.append(("wechat sandbox", [sys.executable, "-m", "sandboxes.wechat"], env_wx))
    return servers


def port_of_portal() -> int:
    return int(os.environ.get("PORTAL_PORT", "5000"))


def _live_demo(app: Flask) -> None:
    """Once every server answers, each wing makes its demo history (first run only)."""
    if not wait_for(f"http://127.0.0.1:{port_of_portal()}/healthz"):
        print(" * demo history skipped: the portal did not answer", flush=True)
        return
    for make_history in registry(app).live_demo:
        make_history(app)


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
    processes: list[subprocess.Popen[bytes]] = []
    try:
        with suppress(KeyboardInterrupt):  # a stop signal: stop everything
            for name, command, env in _children():
                print(f" * starting {name}: {' '.join(command[1:])}", flush=True)
                # A session of their own: signals for make's process group or the
                # terminal reach this process alone, which stops each child once.
                processes.append(
                    subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
                )
            _serve_portal()
    finally:
        stop_once.stopping = True  # also when the portal failed to start
        _stop_all(processes)


def _serve_portal() -> None:
    from portal.app import create_app
    from portal.jobs import start_background_jobs

    app = create_app()
    start_background_jobs(app)
    threading.Thread(target=_live_demo, args=(app,), daemon=True).start()
    port = port_of_portal()
    print(f" * staff portal and API on http://127.0.0.1:{port}", flush=True)
    print(
        " * demo accounts (README): admin, finance, officer-chikan, ... / demo-pass-2025",
        flush=True,
    )
    run_simple("127.0.0.1", port, app, threaded=True, use_reloader=False)


def _stop_all(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    deadline = time.monotonic() + 5
    for process in processes:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    with suppress(OSError):  # after a hang-up the terminal may be gone
        print(" * all servers stopped", flush=True)


if __name__ == "__main__":
    main()
