"""Staff list pages and dashboards at a province's size: p50/p95 and SQL statements per page.

Loads (or reuses) 100,000 people and 1,000,000 donations in PostgreSQL (bench/bulk_load.py,
database kp_lists_bench unless BENCH_DATABASE_URL says otherwise), then asks each page
through the real application (Flask's test client: routing, login, views, templates and
the database, no network) as the demo's staff: the first page, page 15 and a page past
the numbered ones (by cursor). Each page's statements are counted on the engine.

Target: p95 under 150 ms for every page, and as many statements on a deep page as on
the first (one fewer past the numbered pages, which count nothing).
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from bench.bulk_load import bench_app, bulk_load
from bench.stack import load_line

TARGET_MS = 150.0
CURSOR_LINK = re.compile(r'href="([^"]*cursor=[^"]+)"')


@dataclass
class Timing:
    who: str
    url: str
    p50_ms: float
    p95_ms: float
    statements: int

    @property
    def ok(self) -> bool:
        return self.p95_ms < TARGET_MS


def _client(app: Flask, username: str) -> FlaskClient:
    from portal.demo.seed import DEMO_PASSWORD

    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"{username} cannot log in"
    return client


def _past_numbered(client: FlaskClient, path: str) -> str:
    """The address of the first page past the numbered ones (the cursor link on page 20)."""
    page = client.get(f"{path}?page=20").get_data(as_text=True)
    found = CURSOR_LINK.search(page)
    assert found is not None, f"{path} has no page past page 20"
    return found.group(1).replace("&amp;", "&")


def measure(app: Flask, client: FlaskClient, who: str, url: str, runs: int) -> Timing:
    from core.db import db

    seen: list[int] = []

    def count(*_args: object) -> None:
        seen[-1] += 1

    with app.app_context():
        engine = db.engine
    for _ in range(3):  # warm the caches and the connection pool
        assert client.get(url).status_code == 200, url
    times: list[float] = []
    statements: list[int] = []
    event.listen(engine, "before_cursor_execute", count)
    try:
        for _ in range(runs):
            seen.append(0)
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, url
            statements.append(seen[-1])
    finally:
        event.remove(engine, "before_cursor_execute", count)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return Timing(who, url, statistics.median(times), p95, max(statements))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--donations", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    bulk_load(args.people, args.donations)

    app = bench_app()
    admin = _client(app, "admin")
    finance = _client(app, "finance")
    officer = _client(app, "officer-chikan")
    pages: list[tuple[str, FlaskClient, str]] = []
    for path, who, client in (
        ("/persons", "admin", admin),
        ("/needs", "admin", admin),
        ("/donations", "finance", finance),
        ("/audit", "admin", admin),
    ):
        pages += [
            (who, client, path),
            (who, client, f"{path}?page=15"),
            (who, client, _past_numbered(client, path)),
        ]
    pages += [
        ("officer", officer, "/persons"),
        ("officer", officer, "/persons?page=15"),
        ("admin", admin, "/"),
        ("finance", finance, "/"),
        ("officer", officer, "/"),
    ]
    print(load_line())
    print(f"{'who':<8} {'page':<44} {'p50 ms':>8} {'p95 ms':>8} {'SQL':>4}")
    results = []
    for who, client, url in pages:
        timing = measure(app, client, who, url, args.runs)
        results.append(timing)
        shown = url if len(url) <= 44 else url[:40] + "..."
        flag = "" if timing.ok else "  over target"
        print(
            f"{who:<8} {shown:<44} {timing.p50_ms:>8.1f} {timing.p95_ms:>8.1f}"
            f" {timing.statements:>4}{flag}",
            flush=True,
        )
    slow = [t for t in results if not t.ok]
    print(f"{len(results) - len(slow)} of {len(results)} pages under {TARGET_MS:.0f} ms at p95")


if __name__ == "__main__":
    main()
