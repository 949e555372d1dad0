"""`make bench-burst`: 10,000 donations at once with the payment sandbox's webhook faults on.

Donors create and confirm donations as fast as the servers take them, while the
sandbox duplicates, reorders, delays and drops webhooks and fails some API calls
(its fault settings, `POST /_sandbox/faults`). Then the bench waits until every
delivery has been made or dropped, runs `flask reconcile` (which applies what
the dropped webhooks carried), and checks that everything settled:

- every donation succeeded, each booked once (`flask ledger-check` passes);
- the sum the ledger received equals, to the fen, what the provider charged;
- `flask reconcile` finds no difference and nothing open.

It prints the time from the first donation until everything settled, and exits
1 if anything did not. BENCH_DATABASE_URL selects PostgreSQL; it must name an
empty database, since reconciliation checks every payment the ledger holds
against this run's sandbox, which knows nothing of an earlier run's.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx

from bench.journey import Donor, JourneyFailed, donate, log_in
from bench.stack import Stack, load_line

FAULTS = {
    "webhook_duplicate_rate": 0.1,
    "webhook_reorder": True,
    "webhook_drop_rate": 0.02,
    "webhook_delay_ms": [0, 300],
    "api_error_rate": 0.02,
    "seed": 20261204,
}


def provider_side(stack: Stack) -> tuple[int, int, int]:
    """(succeeded payments, their fen, deliveries still pending) in the sandbox's own file."""
    conn = sqlite3.connect(stack.tmp / "pay.sqlite3", timeout=30)
    try:
        paid, fen = conn.execute(
            "SELECT count(*), coalesce(sum(json_extract(body, '$.amount_received')), 0)"
            " FROM objects WHERE object = 'payment_intent'"
            " AND json_extract(body, '$.status') = 'succeeded'"
        ).fetchone()
        (pending,) = conn.execute(
            "SELECT count(*) FROM deliveries WHERE status = 'pending'"
        ).fetchone()
    finally:
        conn.close()
    return int(paid), int(fen), int(pending)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=10_000, help="donations in the burst")
    parser.add_argument("--donors", type=int, default=32, help="donors giving at once")
    parser.add_argument("--workers", type=int, default=2, help="portal gunicorn workers")
    parser.add_argument("--lanes", type=int, default=4, help="sandbox webhook delivery lanes")
    parser.add_argument("--base-port", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=1800, help="seconds to wait for settling")
    args = parser.parse_args(argv)

    stack = Stack(
        portal_workers=args.workers,
        webhook_lanes=args.lanes,
        base_port=args.base_port,
        # A failed delivery comes back within seconds, not Stripe's hours.
        extra_env={"SANDBOX_RETRY_SCHEDULE": "0.5,1,2,4"},
    )
    project_id = stack.prepare()
    stack.start()
    problems: list[str] = []
    try:
        print(load_line())
        print(stack.describe())
        admin = {"Authorization": "Bearer sk_test_sandbox"}
        httpx.post(
            f"{stack.payments}/_sandbox/faults", json=FAULTS, headers=admin
        ).raise_for_status()
        print(f"faults: {json.dumps(FAULTS)}")
        run = uuid.uuid4().hex[:6]
        donors: list[Donor] = [log_in(stack.portal, f"burst{i}-{run}") for i in range(args.donors)]
        made = [0]
        errors: list[str] = []
        lock = threading.Lock()
        share = [
            args.count // args.donors + (i < args.count % args.donors) for i in range(args.donors)
        ]

        def give(i: int) -> None:
            for _ in range(share[i]):
                try:
                    donate(donors[i], project_id, wait=False)
                except (JourneyFailed, httpx.HTTPError) as error:
                    with lock:
                        errors.append(str(error) or type(error).__name__)
                    continue
                with lock:
                    made[0] += 1

        started = time.perf_counter()
        with ThreadPoolExecutor(args.donors) as pool:
            list(pool.map(give, range(args.donors)))
        sent = time.perf_counter() - started
        print(
            f"burst: {made[0]} donations created and confirmed in {sent:.1f} s "
            f"({made[0] / sent:.1f}/s), {len(errors)} failed",
            flush=True,
        )
        for message in sorted(set(errors))[:5]:
            print(f"  error: {message}")
        if errors:
            problems.append(f"{len(errors)} donations could not be made")
        deadline = time.monotonic() + args.timeout
        while True:
            paid, provider_fen, pending = provider_side(stack)
            if pending == 0 or time.monotonic() > deadline:
                break
            time.sleep(1)
        delivered = time.perf_counter() - started
        print(
            f"webhooks: every delivery made or dropped after {delivered:.1f} s ({pending} pending)"
        )
        # Drops are lost for good: the provider's event list is where they are found.
        httpx.post(f"{stack.payments}/_sandbox/faults", json={}, headers=admin).raise_for_status()
        reconciled, reconcile_report = stack.reconcile()
        settled = time.perf_counter() - started
        counts = stack.donation_counts(project_id)
        ledger_ok, ledger_report = stack.ledger_check()
        again_ok, again_report = stack.reconcile()
        succeeded = counts.get("succeeded", 0)
        booked_fen = counts.get("succeeded_fen", 0)
        print(f"reconcile: {reconcile_report.splitlines()[0] if reconcile_report else '-'}")
        print(
            f"settled: {succeeded} of {made[0]} donations succeeded after {settled:.1f} s; "
            f"ledger {booked_fen} fen, provider {provider_fen} fen in {paid} payments"
        )
        print(f"ledger check: {'passed' if ledger_ok else 'FAILED'}")
        print(f"reconcile afterwards: {'agrees' if again_ok else 'DISAGREES'}")
        if succeeded != made[0] or paid != made[0]:
            problems.append(f"{succeeded} succeeded, {paid} paid at the provider, {made[0]} made")
        if booked_fen != provider_fen:
            problems.append(f"ledger {booked_fen} fen, provider {provider_fen} fen")
        if not ledger_ok:
            problems.append("ledger check failed")
            print(ledger_report)
        if not again_ok:
            problems.append("reconciliation disagrees with the provider")
            print(again_report)
        if not reconciled:
            print(reconcile_report)
        print(load_line())
    finally:
        stack.stop()
    if problems:
        print("FAILED: " + "; ".join(problems))
        sys.exit(1)


if __name__ == "__main__":
    main()
