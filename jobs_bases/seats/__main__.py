"""``python -m jobs_bases.seats < in.json > out.json``.

Exit status 0 with the assignment on stdout; 2 with ``{"error": "..."}`` on
stderr when the input is too large, not valid JSON or not a valid problem.
"""

from __future__ import annotations

import argparse
import json
import sys

from jobs_bases.seats import MAX_INPUT_BYTES, SeatsInputError, parse
from jobs_bases.seats.engine import solve_checked


def _fail(message: str) -> int:
    sys.stderr.write(json.dumps({"error": message}, ensure_ascii=False) + "\n")
    return 2


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(
        prog="python -m jobs_bases.seats",
        description=(
            "Allocate training seats: JSON problem on stdin, assignments and waitlists on"
            f" stdout. Input up to {MAX_INPUT_BYTES // (1024 * 1024)} MiB; see docs/seats.md."
        ),
    ).parse_args(argv)
    # One byte over the limit is enough to know it is too large.
    document = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    try:
        problem = parse(document)
    except SeatsInputError as exc:
        return _fail(str(exc))
    output = solve_checked(problem).to_json()  # parse has checked it
    sys.stdout.buffer.write(json.dumps(output, ensure_ascii=False).encode() + b"\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
