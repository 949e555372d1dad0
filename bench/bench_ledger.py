"""Benchmark booking provider events: how many `payment_intent.succeeded` per second.

    .venv/bin/python -m bench.bench_ledger [--n 2000] [--skip-postgres]

For each database (an SQLite temp file; PostgreSQL at BENCH_DATABASE_URL or
TEST_DATABASE_URL, else postgresql+psycopg://postgres@127.0.0.1:5432/postgres,
always in a scratch database created and dropped here), it builds the schema with
the migrations, creates N pending donations per path, and books their succeeded
events one transaction each:

- `apply_event`: in process, as reconciliation does;
- `webhook`: `POST /api/payments/webhook` through the Flask test client with real
  signatures, as the provider's deliveries arrive (no network);
- `duplicates`: the webhook events delivered a second time (nothing to book).

It prints events per second for each, with the machine, then checks that every
donation was booked once and `ledger-check` holds (exit 1 otherwise). A
benchmark, not a test: the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import OperationalError

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
WEBHOOK_SECRET = "whsec_bench_ledger"
AMOUNT_FEN = 10_000


@dataclass(frozen=True)
class Result:
    database: str
    path: str
    events: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.events / self.seconds if self.seconds else float("inf")


def _make_app(database_uri: str, instance: Path) -> Flask:
    os.environ["INSTANCE_PATH"] = str(instance)
    from core.crypto import Keyring
    from portal.app import create_app

    return create_app(
        {
            "SECRET_KEY": uuid.uuid4().hex,
            "FIELD_KEYS": Keyring.new_key_spec("bench1"),
            "AUDIT_KEY": uuid.uuid4().hex,
            "SQLALCHEMY_DATABASE_URI": database_uri,
            "BACKGROUND_JOBS": "off",
            "PAYMENT_WEBHOOK_SECRETS": WEBHOOK_SECRET,
        }
    )


@contextmanager
def _postgres_scratch(base_url: str) -> Iterator[str]:
    name = f"bench_ledger_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            # template0 takes no connections: copying template1 fails while anyone else
            # (another suite creating its own database) is connected to it.
            conn.execute(text(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'"))
        yield base_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _postgres_reachable(base_url: str) -> str | None:
    """None if reachable, else why not."""
    engine = create_engine(base_url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as error:
        return str(error.orig).strip().splitlines()[0] if error.orig else str(error)
    finally:
        engine.dispose()
    return None


def _events(donations: list[tuple[str, str]]) -> list[dict[str, Any]]:
    now = int(time.time())
    return [
        {
            "id": f"evt_{uuid.uuid4().hex[:24]}",
            "object": "event",
            "type": "payment_intent.succeeded",
            "created": now,
            "data": {
                "object": {
                    "id": intent_id,
                    "object": "payment_intent",
                    "amount": AMOUNT_FEN,
                    "amount_received": AMOUNT_FEN,
                    "currency": "cny",
                    "status": "succeeded",
                    "metadata": {"donation_id": donation_id},
                }
            },
        }
        for donation_id, intent_id in donations
    ]


def _create_donations(project_id: str, n: int) -> list[tuple[str, str]]:
    from core.db import db
    from core.timeutil import local_today
    from donations.giving.models import Donation

    pairs = [(str(uuid.uuid4()), f"pi_bench_{uuid.uuid4().hex[:20]}") for _ in range(n)]
    today = local_today()
    db.session.add_all(
        Donation(
            id=donation_id,
            project_id=project_id,
            amount_fen=AMOUNT_FEN,
            currency="cny",
            payment_intent_id=intent_id,
            local_day=today,
        )
        for donation_id, intent_id in pairs
    )
    db.session.commit()
    return pairs


def _create_project() -> str:
    from datetime import timedelta

    from core.db import db
    from core.timeutil import local_today
    from donations.giving.booking import default_pool
    from donations.projects.models import Project, ProjectStatus

    today = local_today()
    project = Project(
        title="基准测试项目",
        charity_name="开平市慈善会",
        fundraising_reg_no="BENCH-0001",
        lat=22.37,
        lng=112.68,
        goal_fen=10**12,
        status=ProjectStatus.ACTIVE,
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=365),
        certificate_prefix="BENCH",
    )
    db.session.add(project)
    db.session.flush()
    project_id = project.id
    default_pool(project_id)
    db.session.commit()
    return project_id


def _timed(run: Callable[[], None]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def bench_database(
    label: str, database_uri: str, n: int, instance: Path
) -> tuple[list[Result], list[str]]:
    """Run every path on one database; (results, problems)."""
    from flask_migrate import upgrade

    from core.db import db
    from donations.giving.events import Outcome, apply_event
    from donations.ledger.check import check_ledger
    from donations.ledger.models import JournalEntry
    from donations.payments.signature import sign

    app = _make_app(database_uri, instance)
    problems: list[str] = []
    results: list[Result] = []
    with app.app_context():
        # Alembic's logging config writes every migration to stderr; keep the report readable.
        with redirect_stderr(io.StringIO()):
            upgrade()
        project_id = _create_project()
        in_process = _events(_create_donations(project_id, n))
        over_http = _events(_create_donations(project_id, n))

        def apply_all() -> None:
            for event in in_process:
                if apply_event(event, via="bench") != Outcome.APPLIED:
                    problems.append(f"{label}: {event['id']} was not applied")

        results.append(Result(label, "apply_event", n, _timed(apply_all)))

    bodies = [json.dumps(event).encode() for event in over_http]
    client = app.test_client()

    def post_all(expected: str) -> Callable[[], None]:
        def run() -> None:
            for body in bodies:
                response = client.post(
                    "/api/payments/webhook",
                    data=body,
                    headers={
                        "Stripe-Signature": sign(body, WEBHOOK_SECRET),
                        "Content-Type": "application/json",
                    },
                )
                outcome = (response.get_json(silent=True) or {}).get("outcome")
                if response.status_code != 200 or outcome != expected:
                    problems.append(f"{label}: webhook answered {response.status_code} {outcome}")

        return run

    results.append(Result(label, "webhook", n, _timed(post_all("applied"))))
    results.append(Result(label, "duplicates", n, _timed(post_all("duplicate"))))

    with app.app_context():
        entries = db.session.scalar(select(func.count()).select_from(JournalEntry)) or 0
        if entries != 2 * n:
            problems.append(f"{label}: {entries} journal entries for {2 * n} payments")
        report = check_ledger()
        problems.extend(f"{label}: ledger-check: {problem}" for problem in report.problems)
        db.session.remove()
        db.engine.dispose()
    return results, problems


def _server_version(database_uri: str) -> str:
    engine = create_engine(database_uri)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                return f"SQLite {conn.execute(text('select sqlite_version()')).scalar()}"
            return f"PostgreSQL {conn.execute(text('show server_version')).scalar()}"
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=2_000, help="donations per path (default 2000)")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args(argv)

    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs ({platform.processor() or platform.machine()}),"
        f" Python {platform.python_version()}"
    )
    print(f"{args.n} payment_intent.succeeded events per path, one transaction each\n")
    results: list[Result] = []
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-ledger-") as tmp:
        sqlite_uri = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        found, wrong = bench_database("sqlite", sqlite_uri, args.n, Path(tmp) / "instance")
        print(f"sqlite: {_server_version(sqlite_uri)} (WAL, temp file)")
        results += found
        problems += wrong

        base = (
            os.environ.get("BENCH_DATABASE_URL")
            or os.environ.get("TEST_DATABASE_URL")
            or DEFAULT_POSTGRES
        )
        why = None if args.skip_postgres else _postgres_reachable(base)
        if args.skip_postgres:
            print("postgresql: skipped (--skip-postgres)")
        elif why is not None:
            print(f"postgresql: skipped, {base} is unreachable ({why})")
        else:
            with _postgres_scratch(base) as pg_uri:
                print(
                    f"postgresql: {_server_version(pg_uri)} (scratch database on {base.rsplit('/', 1)[0]})"
                )
                found, wrong = bench_database("postgresql", pg_uri, args.n, Path(tmp) / "instance")
                results += found
                problems += wrong

    print(f"\n{'database':<12} {'path':<12} {'events':>7} {'seconds':>8} {'events/s':>9}")
    for result in results:
        print(
            f"{result.database:<12} {result.path:<12} {result.events:>7} "
            f"{result.seconds:>8.2f} {result.per_second:>9.0f}"
        )
    for problem in problems[:20]:
        print(f"PROBLEM: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
