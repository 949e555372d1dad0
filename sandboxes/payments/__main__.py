"""Run the payment sandbox: `python -m sandboxes.payments [--host H] [--port P] [--db PATH]`.

Settings come from `SANDBOX_*` environment variables; the flags override them.
`--port 0` picks a free port; the first line on stdout names the address taken.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Sequence
from contextlib import suppress
from types import FrameType

from werkzeug.serving import make_server

from sandboxes.requestlog import request_handler

from .app import create_app
from .config import ConfigError, SandboxConfig
from .runtime import EXTENSION, Sandbox


def _stop(signum: int, frame: FrameType | None) -> None:
    # Turn SIGTERM into a normal exit so the `finally` below stops the dispatcher.
    sys.exit(0)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m sandboxes.payments",
        description="A Stripe-compatible payment provider stand-in.",
    )
    parser.add_argument("--host", help="address to bind (SANDBOX_HOST, default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (SANDBOX_PORT, default 12111; 0 = any)")
    parser.add_argument("--db", help="SQLite file (SANDBOX_DB)")
    args = parser.parse_args(argv)

    # The request log's format (sandboxes.requestlog): time, server, what happened.
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s payments %(message)s", datefmt="%H:%M:%S"
    )
    # Each webhook delivery is a request the portal logs; the client's line would repeat it.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    overrides = {
        "SANDBOX_HOST": args.host,
        "SANDBOX_PORT": args.port,
        "SANDBOX_DB": args.db,
    }
    values = {**os.environ, **{k: v for k, v in overrides.items() if v is not None}}
    try:
        config = SandboxConfig.from_mapping(values)
    except ConfigError as exc:
        parser.error(str(exc))
    app = create_app(values)
    server = make_server(
        config.host, config.port, app, threaded=True, request_handler=request_handler("payments")
    )
    signal.signal(signal.SIGTERM, _stop)
    print(f"payment sandbox listening on http://{config.host}:{server.server_port}", flush=True)
    try:
        with suppress(KeyboardInterrupt):  # Ctrl-C is the normal way to stop
            server.serve_forever()
    finally:
        server.server_close()
        sandbox = app.extensions[EXTENSION]
        assert isinstance(sandbox, Sandbox)
        sandbox.dispatcher.stop()


if __name__ == "__main__":
    main()
