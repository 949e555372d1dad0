"""What each request of the donor journey costs the portal: SQL statements and CPU time.

    python -m bench.request_costs [--journeys 60]   # BENCH_DATABASE_URL for PostgreSQL

The payment sandbox and the WeChat stand-in run as `bench_donate` runs them; the portal
runs in this process (a threaded werkzeug server on the bench's portal port), so that
each request's statements can be counted and its CPU time read from its own thread
(`time.thread_time` from before the request to its teardown: Flask, the view, the ORM
and the driver, not the HTTP server). One donor gives the donations one after another,
after ten not counted (warming caches). Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import collections
import os
import threading
import time
from typing import Any

from flask import Flask, g, has_request_context, request
from sqlalchemy import event
from werkzeug.serving import WSGIRequestHandler, make_server

from bench.journey import donate, log_in
from bench.stack import Stack, load_line


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        """No access log."""


def _route() -> str:
    rule = request.url_rule.rule if request.url_rule else request.path
    return f"{request.method} {rule}"


class Costs:
    def __init__(self) -> None:
        self.requests: collections.Counter[str] = collections.Counter()
        self.statements: collections.Counter[str] = collections.Counter()
        self.cpu_s: collections.Counter[str] = collections.Counter()
        self.lock = threading.Lock()
        self.counting = False

    def watch(self, app: Flask) -> None:
        from core.db import db

        with app.app_context():
            engine = db.engine

        @event.listens_for(engine, "before_cursor_execute")
        def _statement(*_args: Any) -> None:
            if self.counting and has_request_context():
                with self.lock:
                    self.statements[_route()] += 1

        @app.before_request
        def _start() -> None:
            g.bench_cpu_start = time.thread_time()

        @app.teardown_request
        def _end(_error: BaseException | None) -> None:
            if self.counting and "bench_cpu_start" in g:
                with self.lock:
                    self.requests[_route()] += 1
                    self.cpu_s[_route()] += time.thread_time() - g.bench_cpu_start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--journeys", type=int, default=60)
    args = parser.parse_args(argv)

    stack = Stack()
    project_id = stack.prepare()
    stack.start()
    portal_server = stack.procs[2]  # measured in this process instead
    portal_server.terminate()
    portal_server.wait(10)
    os.environ.update(stack.env)
    from portal import create_app

    app = create_app()
    costs = Costs()
    costs.watch(app)
    server = make_server("127.0.0.1", stack.portal_port, app, threaded=True, request_handler=_Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        print(load_line())
        print(f"database: {stack.database}; portal in this process (werkzeug, threaded)")
        donor = log_in(stack.portal, "costs")
        for _ in range(10):
            donate(donor, project_id)
        costs.counting = True
        for _ in range(args.journeys):
            donate(donor, project_id)
        time.sleep(1)  # the last webhook's teardown
        costs.counting = False
        for route, count in costs.requests.most_common():
            print(
                f"{route}: {count} requests, {costs.statements[route] / count:.1f} statements "
                f"and {costs.cpu_s[route] / count * 1000:.2f} ms CPU each"
            )
    finally:
        server.shutdown()
        stack.stop()


if __name__ == "__main__":
    main()
