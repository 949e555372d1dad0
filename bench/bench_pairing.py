"""Benchmark ``python -m volunteers.pairing`` as a whole command, start-up included.

    .venv/bin/python -m bench.bench_pairing [--seed N] [--repeat N]

Generates seeded county-scale problems (600 volunteers x 1,200 mentees, every
one of the 720,000 pairs scored, capacities 1-3), runs the command line on each
as a subprocess, checks the answer, and prints the machine, the input size and
the wall time of the whole command. Two inputs: integer ids and integer scores
(what the mentoring service sends), and string ids with two-decimal scores (a
larger document). Exits 1 if an answer is invalid or a run takes over 5 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.pairing_instances import county_problem, pairing_errors
from bench.stack import load_line

ROOT = Path(__file__).resolve().parents[1]
TIME_LIMIT_S = 5.0


def _run_once(payload: bytes) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "volunteers.pairing"],
        input=payload,
        capture_output=True,
        cwd=ROOT,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"pairing failed ({completed.returncode}): {completed.stderr!r}")
    result: dict[str, Any] = json.loads(completed.stdout)
    return elapsed, result


def _bench(name: str, seed: int, repeat: int, **options: Any) -> bool:
    problem = county_problem(seed, **options)
    payload = json.dumps(problem).encode()
    runs = [_run_once(payload) for _ in range(repeat)]
    times = [elapsed for elapsed, _ in runs]
    result = runs[0][1]
    errors = pairing_errors(problem, result)
    same = all(other == result for _, other in runs[1:])
    places = sum(v["capacity"] for v in problem["volunteers"])
    print(
        f"{name:<16} seed {seed}: {len(problem['volunteers'])} volunteers ({places} places) x "
        f"{len(problem['mentees'])} mentees, {len(problem['scores']):,} scored pairs, "
        f"{len(payload) / 1e6:.1f} MB in | wall {min(times):.2f}/{statistics.median(times):.2f}/"
        f"{max(times):.2f} s (min/median/max of {repeat}) | {len(result['pairs'])} pairs, "
        f"total {result['total']}"
    )
    missed = []
    if errors:
        missed.append(f"invalid answer: {errors[:3]}")
    if not same:
        missed.append("different answers for the same input")
    if max(times) > TIME_LIMIT_S:
        missed.append(f"took {max(times):.2f} s > {TIME_LIMIT_S} s")
    for line in missed:
        print(f"  MISSED: {line}")
    return not missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_pairing")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"python -m volunteers.pairing, whole command timed (start-up included); {load_line()}")
    ok = _bench("int ids/scores", args.seed, args.repeat)
    ok = (
        _bench("str ids, decimals", args.seed, args.repeat, string_ids=True, fractional=True) and ok
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
