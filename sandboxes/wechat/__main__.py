"""Run the WeChat stand-in: `python -m sandboxes.wechat [--host H] [--port P] [--db PATH]`."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from contextlib import suppress
from types import FrameType

from werkzeug.serving import make_server

from sandboxes.requestlog import request_handler
from sandboxes.wechat import create_app


def _stop(signum: int, frame: FrameType | None) -> None:
    sys.exit(0)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m sandboxes.wechat", description="The WeChat API stand-in."
    )
    parser.add_argument("--host", default=os.environ.get("WECHAT_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("WECHAT_PORT", "12112")))
    parser.add_argument(
        "--db",
        default=os.environ.get("WECHAT_DB") or None,
        help="SQLite file keeping used codes and sent messages (default: in memory)",
    )
    args = parser.parse_args(argv)
    app = create_app({"WECHAT_DB": args.db})
    server = make_server(
        args.host, args.port, app, threaded=True, request_handler=request_handler("wechat")
    )
    signal.signal(signal.SIGTERM, _stop)
    print(f"WeChat sandbox listening on http://{args.host}:{server.server_port}/", flush=True)
    try:
        with suppress(KeyboardInterrupt):  # Ctrl-C is the normal way to stop
            server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
