"""Benchmark ``python -m donations.allocation`` as a whole command, start-up included.

    .venv/bin/python -m bench.bench_allocation [--seed N] [--repeat N]

Generates seeded county-scale (300 needs x 10 pools) and province-scale (5,000
needs x 50 pools, category and town restrictions, ¥200-¥20,000, priorities
1-100) problems, runs the command line on each as a subprocess, checks the
answer, and prints size, wall time, objective, bound and their ratio. Exits 1 if
an answer is invalid or misses a target of the engine (5 s for the whole
command; at least 99.9% of the bound at province scale, exactly optimal at
county scale).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.allocation_instances import ProblemJson, county_problem, province_problem
from donations.allocation.problem import parse_problem
from donations.allocation.verify import allocation_errors

ROOT = Path(__file__).resolve().parents[1]
TIME_LIMIT_S = 5.0
MIN_RATIO = 0.999


def _run_once(payload: bytes) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "donations.allocation"],
        input=payload,
        capture_output=True,
        cwd=ROOT,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"allocation failed ({completed.returncode}): {completed.stderr!r}")
    result: dict[str, Any] = json.loads(completed.stdout)
    return elapsed, result


def _bench(
    name: str, make: Callable[[int], ProblemJson], seed: int, repeat: int, exact: bool
) -> bool:
    problem = make(seed)
    needs, pools = problem["needs"], problem["pools"]
    payload = json.dumps(problem).encode()
    runs = [_run_once(payload) for _ in range(repeat)]
    times = [elapsed for elapsed, _ in runs]
    result = runs[0][1]
    errors = allocation_errors(parse_problem(problem), result)
    same = all(other == result for _, other in runs[1:])
    objective, bound = result["objective"], result["bound"]
    ratio = objective / bound if bound else 1.0
    funded = result["funded"]
    print(
        f"{name:<9} seed {seed}: {len(needs):>5} needs x {len(pools):>2} pools, "
        f"{len(payload) / 1e6:.2f} MB in | wall {min(times):.2f}/{statistics.median(times):.2f}/"
        f"{max(times):.2f} s (min/median/max of {repeat}) | funded {len(funded)} | "
        f"objective {objective} bound {bound} ratio {ratio:.6f} optimal {result['optimal']}"
    )
    missed = []
    if errors:
        missed.append(f"invalid allocation: {errors[:3]}")
    if not same:
        missed.append("different answers for the same input")
    if max(times) > TIME_LIMIT_S:
        missed.append(f"took {max(times):.2f} s > {TIME_LIMIT_S} s")
    if ratio < MIN_RATIO:
        missed.append(f"ratio {ratio:.6f} < {MIN_RATIO}")
    if exact and result["optimal"] is not True:
        missed.append("not proven optimal")
    for line in missed:
        print(f"  MISSED: {line}")
    return not missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_allocation")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"python -m donations.allocation, whole command timed; {os.cpu_count()} CPUs")
    ok = _bench("county", county_problem, args.seed, args.repeat, exact=True)
    ok = _bench("province", province_problem, args.seed, args.repeat, exact=False) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
