"""``python -m donations.allocation [--time-limit SECONDS] < in.json > out.json``.

Exit status 0 with the allocation on stdout; 2 with ``{"error": "..."}`` on
stderr when the input is not valid JSON or not a valid problem.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import sys
import time
from collections.abc import Iterator

from donations.allocation import AllocationInputError, allocate

# The whole command should finish within 5 s on 2 cores, start-up included.
# What start-up and reading leave goes to the MILP, keeping back
# time for turning its answer into exact flows and writing the JSON.
_TOTAL_BUDGET_S = 4.0
_AFTER_SEARCH_S = 0.6


def _seconds_since_process_start() -> float:
    """Wall time since the interpreter started (importing scipy alone takes ~0.4 s)."""
    try:
        with open("/proc/self/stat") as stat, open("/proc/uptime") as uptime:
            start_ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
            now = float(uptime.read().split()[0])
        return max(0.0, now - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):  # not Linux: CPU time is close enough
        return time.process_time()


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Keep stdout pure JSON: HiGHS occasionally prints diagnostics from C++ to file 1."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _seconds(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(text)
    return value


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed in JSON input")


def _fail(message: str) -> int:
    sys.stderr.write(json.dumps({"error": message}, ensure_ascii=False) + "\n")
    return 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m donations.allocation",
        description="Allocate pool money to needs: JSON problem on stdin, allocation on stdout.",
    )
    parser.add_argument(
        "--time-limit",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="time for the search (default: what start-up leaves of a 4-second budget)",
    )
    args = parser.parse_args(argv)
    try:
        data = json.loads(sys.stdin.buffer.read(), parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, bad bytes, deep nesting
        return _fail(f"input is not valid JSON: {exc}")
    limit = args.time_limit
    if limit is None:
        limit = max(0.2, _TOTAL_BUDGET_S - _AFTER_SEARCH_S - _seconds_since_process_start())
    try:
        with _stdout_to_stderr():
            result = allocate(data, time_limit_s=limit)
    except AllocationInputError as exc:
        return _fail(str(exc))
    sys.stdout.buffer.write(json.dumps(result, ensure_ascii=False).encode() + b"\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
