"""Run the stand-in in a subprocess for tests: `with sandbox_process() as base_url: ...`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_PROJECT_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(base_url + "healthz", timeout=1) as answer:  # noqa: S310
            return bool(answer.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def sandbox_process(
    *,
    appid: str = "wx_sandbox_app",
    secret: str = "sandbox_secret",  # noqa: S107 - the sandbox's public default
    db_path: str | None = None,
    port: int | None = None,
    start_timeout: float = 20.0,
) -> Iterator[str]:
    """Start `python -m sandboxes.wechat`, wait for /healthz, yield its base URL, stop it."""
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}/"
    env = dict(os.environ, WECHAT_APPID=appid, WECHAT_SECRET=secret)
    env.pop("WECHAT_DB", None)
    if db_path:
        env["WECHAT_DB"] = db_path
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "sandboxes.wechat", "--host", "127.0.0.1", "--port", str(port)],
            cwd=_PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + start_timeout
            while not _healthy(base_url):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    output = log.read().decode(errors="replace")
                    raise RuntimeError(f"WeChat sandbox did not start on {base_url}:\n{output}")
                time.sleep(0.1)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
