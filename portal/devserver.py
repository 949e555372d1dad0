"""`make run`: the portal with the API, plus every stand-in server, stopped together on Ctrl-C.

Development only. Production runs gunicorn and Celery (see README, "Production").
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from importlib.util import find_spec
from pathlib import Path
from types import FrameType

from werkzeug.serving import run_simple

ROOT = Path(__file__).resolve().parent.parent


def _children() -> list[tuple[str, list[str], dict[str, str]]]:
    env = dict(os.environ)
    portal_port = env.get("PORTAL_PORT", "5000")
    servers: list[tuple[str, list[str], dict[str, str]]] = []
    if find_spec("sandboxes.payments") is not None:
        env_pay = {
            **env,
            "SANDBOX_PORT": env.get("SANDBOX_PORT", "12111"),
            "SANDBOX_WEBHOOK_URL": env.get(
                "SANDBOX_WEBHOOK_URL", f"http://127.0.0.1:{portal_port}/api/payments/webhook"
            ),
            "SANDBOX_WEBHOOK_SECRET": env.get("PAYMENT_WEBHOOK_SECRET", "whsec_dev_sandbox"),
        }
        servers.append(("payments sandbox", [sys.executable, "-m", "sandboxes.payments"], env_pay))
    if find_spec("sandboxes.wechat") is not None:
        env_wx = {**env, "WECHAT_PORT": env.get("WECHAT_PORT", "12112")}
        servers.append(("wechat sandbox", [sys.executable, "-m", "sandboxes.wechat"], env_wx))
    return servers


def main() -> None:
    processes: list[subprocess.Popen[bytes]] = []
    for name, command, env in _children():
        print(f" * starting {name}: {' '.join(command[1:])}", flush=True)
        processes.append(subprocess.Popen(command, cwd=ROOT, env=env))  # noqa: S603

    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        from portal.app import create_app
        from portal.jobs import start_background_jobs

        app = create_app()
        start_background_jobs(app)
        port = int(os.environ.get("PORTAL_PORT", "5000"))
        print(f" * staff portal and API on http://127.0.0.1:{port}", flush=True)
        run_simple("127.0.0.1", port, app, threaded=True, use_reloader=False)
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes:
            process.terminate()
        deadline = time.monotonic() + 5
        for process in processes:
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
        print(" * all servers stopped", flush=True)


if __name__ == "__main__":
    main()
