"""Benchmark ``python -m jobs_bases.seats`` as a whole command, start-up included.

    .venv/bin/python -m bench.bench_seats [--seed N] [--repeat N]    (or: make bench-seats)

Generates a seeded province-scale problem (20,000 applicants x 40 courses, 5
preferences each, seats for half of them, bonuses and tied scores and times;
see ``bench/seats_instances.py``), runs the command line on it as a subprocess
``--repeat`` times, checks the answer with the independent checker (no blocking
pair, no course over its seats, every waitlist as defined), and prints the
machine and the wall times. Exits 1 if an answer is invalid, two runs differ, or
the slowest run takes 2 s or more.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.seats_instances import matching_errors, province_problem

ROOT = Path(__file__).resolve().parents[1]
TIME_LIMIT_S = 2.0


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _run_once(payload: bytes) -> tuple[float, bytes]:
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "jobs_bases.seats"],
        input=payload,
        capture_output=True,
        cwd=ROOT,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"seat allocation failed ({completed.returncode}): {completed.stderr!r}")
    return elapsed, completed.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_seats")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"machine: {os.cpu_count()} CPUs, {_cpu_model()}; Python {platform.python_version()}")
    problem = province_problem(args.seed)
    payload = json.dumps(problem).encode()
    runs = [_run_once(payload) for _ in range(args.repeat)]
    times = [elapsed for elapsed, _ in runs]
    result: dict[str, Any] = json.loads(runs[0][1])
    errors = matching_errors(problem, result)
    admitted = sum(1 for a in result["assignments"] if a["course_id"] is not None)
    first = sum(1 for a in result["assignments"] if a["choice"] == 1)
    print(
        f"python -m jobs_bases.seats, whole command timed (start-up included), seed {args.seed}: "
        f"{len(problem['applicants'])} applicants x {len(problem['courses'])} courses, "
        f"5 preferences each, {len(payload) / 1e6:.1f} MB in, {len(runs[0][1]) / 1e6:.1f} MB out"
    )
    print(
        f"wall {min(times):.2f} / {statistics.median(times):.2f} / {max(times):.2f} s "
        f"(min / median / max of {args.repeat}) | admitted {admitted}, "
        f"{first} to their first choice"
    )
    missed = []
    if errors:
        missed.append(f"invalid answer: {errors[:3]}")
    if any(out != runs[0][1] for _, out in runs[1:]):
        missed.append("different answers for the same input")
    if max(times) >= TIME_LIMIT_S:
        missed.append(f"took {max(times):.2f} s, the target is under {TIME_LIMIT_S} s")
    for line in missed:
        print(f"  MISSED: {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
