"""`make bench-donate`: the whole donor journey over real HTTP, against a trivial endpoint.

Each donation is created at the portal, confirmed at the payment sandbox with
the publishable key (as the mini-program does), and followed until the portal
says succeeded, i.e. the webhook has landed in the ledger (bench/journey.py).
The portal and the sandbox run under gunicorn with threads, as in production
(bench/stack.py).

Two ways to load it:

- closed loop, `--donors 1,16,64`: at each level that many donors give one
  donation after another for `--seconds`; throughput and latency per level;
- open loop, `--rate 30`: donations start at that steady rate for `--seconds`,
  whatever the answers take; latency is counted from when each was due to
  start, so a slow server cannot hide its queue.

Beside each figure, a trivial JSON endpoint (GET /api/mp/v1/privacy) is loaded
with the same concurrency in the same run, and the ratio printed. At the end the
ledger is checked (`flask ledger-check`). Exit status 1 when any journey failed
or the ledger check did not pass. Not a test: it prints figures.
BENCH_DATABASE_URL selects PostgreSQL (default: SQLite in a temp directory).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx

from bench.journey import Donor, JourneyFailed, donate, log_in
from bench.stack import Stack, load_line


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sent: int = 0  # requests the phones sent, retries and status asks included
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds per server in the run
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ok(self, seconds: float) -> None:
        with self.lock:
            self.latencies.append(seconds)

    def failed(self, why: str) -> None:
        with self.lock:
            self.errors.append(why)

    def percentile(self, share: float) -> float:
        lat = sorted(self.latencies)
        if not lat:
            return float("nan")
        return lat[min(len(lat) - 1, int(len(lat) * share))]


def trivial_load(base: str, threads: int, seconds: float) -> float:
    count = [0] * threads
    stop = time.monotonic() + seconds

    def worker(i: int) -> None:
        with httpx.Client(base_url=base, timeout=10) as client:
            while time.monotonic() < stop:
                if client.get("/api/mp/v1/privacy").status_code == 200:
                    count[i] += 1

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return sum(count) / seconds


def log_in_many(base: str, count: int) -> list[Donor]:
    run = uuid.uuid4().hex[:6]
    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(lambda i: log_in(base, f"bench{i}-{run}"), range(count)))


def closed_loop(
    stack: Stack, project_id: str, donors: int, seconds: float, long_poll: bool = True
) -> tuple[Tally, float]:
    """`donors` donors, each giving one donation after another until time is up;
    (tally, seconds taken, logging in not counted)."""
    people = log_in_many(stack.portal, donors)
    tally = Tally()
    cpu_before = stack.cpu_seconds()
    started = time.perf_counter()
    stop = time.monotonic() + seconds

    def give(donor: Donor) -> None:
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                donate(donor, project_id, long_poll=long_poll)
            except (JourneyFailed, httpx.HTTPError) as error:
                tally.failed(str(error) or type(error).__name__)
                continue
            tally.ok(time.perf_counter() - started)

    threads = [threading.Thread(target=give, args=(donor,)) for donor in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    tally.cpu = cpu_used_since(stack, cpu_before)
    for donor in people:
        tally.sent += donor.sent
        donor.close()
    return tally, elapsed


def open_loop(
    stack: Stack, project_id: str, rate: float, seconds: float, donors: int, long_poll: bool = True
) -> tuple[Tally, float, float]:
    """Donations started `rate` times a second whatever happens;
    (tally, seconds until the last finished, most in flight)."""
    people = log_in_many(stack.portal, donors)
    free: list[Donor] = list(people)
    free_lock = threading.Condition()
    tally = Tally()
    in_flight = [0, 0]  # now, most

    def give(due: float) -> None:
        with free_lock:
            # One donation at a time per donor's connection; more donors than ever needed.
            free_lock.wait_for(lambda: bool(free))
            donor = free.pop()
            in_flight[0] += 1
            in_flight[1] = max(in_flight[1], in_flight[0])
        try:
            donate(donor, project_id, long_poll=long_poll)
            tally.ok(time.perf_counter() - due)
        except (JourneyFailed, httpx.HTTPError) as error:
            tally.failed(str(error) or type(error).__name__)
        finally:
            with free_lock:
                free.append(donor)
                in_flight[0] -= 1
                free_lock.notify()

    total = int(rate * seconds)
    cpu_before = stack.cpu_seconds()
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=donors) as pool:
        for n in range(total):
            due = start + n / rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            pool.submit(give, due)
    elapsed = time.perf_counter() - start
    tally.cpu = cpu_used_since(stack, cpu_before)
    for donor in people:
        tally.sent += donor.sent
        donor.close()
    return tally, elapsed, float(in_flight[1])


def cpu_used_since(stack: Stack, before: dict[str, float]) -> dict[str, float]:
    after = stack.cpu_seconds()
    return {name: after[name] - before.get(name, 0.0) for name in after}


def report(label: str, tally: Tally, elapsed: float, trivial: float) -> float:
    rate = len(tally.latencies) / elapsed if elapsed else 0.0
    p50 = statistics.median(tally.latencies) if tally.latencies else float("nan")
    print(
        f"{label}: {rate:.1f} donations/s, p50 {p50 * 1000:.0f} ms, "
        f"p99 {tally.percentile(0.99) * 1000:.0f} ms, {len(tally.latencies)} done, "
        f"{len(tally.errors)} failed; trivial endpoint {trivial:.0f} requests/s; "
        f"ratio trivial/journey {trivial / rate if rate else float('inf'):.1f}",
        flush=True,
    )
    done = len(tally.latencies)
    if done:
        # Where a journey's time goes: the profile behind the ratio (two cores in all).
        spent = ", ".join(
            f"{name} {seconds / done * 1000:.1f}" for name, seconds in tally.cpu.items()
        )
        print(
            f"  per journey: {tally.sent / done:.2f} requests from the phone; "
            f"CPU ms: {spent}; total {sum(tally.cpu.values()) / done * 1000:.1f}",
            flush=True,
        )
    for message in sorted(set(tally.errors))[:5]:
        print(f"  error: {message}")
    return rate


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--donors", default="1,16,64", help="closed loop: concurrency levels, comma-separated"
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each level")
    parser.add_argument("--trivial-seconds", type=float, default=4.0)
    parser.add_argument("--rate", type=float, help="open loop: donations started per second")
    parser.add_argument(
        "--rate-donors", type=int, default=256, help="open loop: donors (connections) at hand"
    )
    parser.add_argument("--workers", type=int, default=2, help="portal gunicorn workers")
    parser.add_argument("--threads", type=int, default=12, help="threads per portal worker")
    parser.add_argument("--lanes", type=int, default=4, help="sandbox webhook delivery lanes")
    parser.add_argument(
        "--wait-slots",
        type=int,
        help="portal requests per worker that may wait for a payment (default: threads - 4)",
    )
    parser.add_argument(
        "--no-long-poll",
        action="store_true",
        help="ask for the status without ?wait= (back off 10-200 ms), as before the long poll",
    )
    parser.add_argument(
        "--base-port", type=int, default=0, help="portal port; sandbox +1, WeChat +2 (0: any)"
    )
    args = parser.parse_args(argv)

    stack = Stack(
        portal_workers=args.workers,
        portal_threads=args.threads,
        webhook_lanes=args.lanes,
        base_port=args.base_port,
        wait_slots=max(1, args.threads - 4) if args.wait_slots is None else args.wait_slots,
    )
    project_id = stack.prepare()
    stack.start()
    failed = 0
    try:
        print(load_line())
        print(stack.describe(), flush=True)
        if args.rate:
            tally, elapsed, most = open_loop(
                stack, project_id, args.rate, args.seconds, args.rate_donors, not args.no_long_poll
            )
            trivial = trivial_load(stack.portal, max(1, int(most)), args.trivial_seconds)
            report(
                f"open loop, offered {args.rate:g} donations/s for {args.seconds:g} s "
                f"(at most {most:.0f} in flight)",
                tally,
                elapsed,
                trivial,
            )
            failed += len(tally.errors)
        else:
            for level in [int(part) for part in args.donors.split(",") if part.strip()]:
                tally, elapsed = closed_loop(
                    stack, project_id, level, args.seconds, not args.no_long_poll
                )
                trivial = trivial_load(stack.portal, level, args.trivial_seconds)
                report(f"{level:>3} donors", tally, elapsed, trivial)
                failed += len(tally.errors)
        ledger_ok, ledger_report = stack.ledger_check()
        print(f"ledger check: {'passed' if ledger_ok else 'FAILED'}")
        if not ledger_ok:
            print(ledger_report)
        print(load_line())
    finally:
        stack.stop()
    if failed or not ledger_ok:
        print(f"FAILED: {failed} journeys failed, ledger check {'ok' if ledger_ok else 'failed'}")
        sys.exit(1)


if __name__ == "__main__":
    main()
