"""The stand-ins' request log: one short line per request, `HH:MM:SS name METHOD /path status`.

The same format as the portal's under `make run` (the sandboxes share no code with the
platform, so each side has its own few lines). Health checks are left out unless
DEVSERVER_LOG_HEALTHZ=1: whoever waits for a server polls them. The query string is
left out too: the line says which call was made, not with what. Lines go to stderr,
since stdout carries the start-up line that names the address taken.
"""

from __future__ import annotations

import os
import sys
import time
from http import HTTPStatus

from werkzeug.serving import WSGIRequestHandler


def logs_health_checks() -> bool:
    return os.environ.get("DEVSERVER_LOG_HEALTHZ", "").lower() in ("1", "true", "yes")


def request_line(server: str, method: str | None, target: str, status: object) -> str | None:
    """The line for one request, or None for a health check nobody asked to see."""
    path = target.split("?", 1)[0] or "-"
    # A client may send control characters: they must not forge lines on a terminal.
    path = "".join(ch if ch.isprintable() and not ch.isspace() else "?" for ch in path)
    if path == "/healthz" and not logs_health_checks():
        return None
    if isinstance(status, HTTPStatus):
        status = status.value
    return f"{time.strftime('%H:%M:%S')} {server:<8} {method or '-'} {path} {status}"


def request_handler(server: str) -> type[WSGIRequestHandler]:
    """A werkzeug request handler that logs each request as one line under `server`."""

    class RequestLog(WSGIRequestHandler):
        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            line = request_line(server, self.command, getattr(self, "path", ""), code)
            if line is not None:
                print(line, file=sys.stderr, flush=True)

    return RequestLog
