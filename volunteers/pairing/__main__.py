"""``python -m volunteers.pairing < in.json > out.json``.

Exit status 0 with the pairs on stdout; 2 with ``{"error": "..."}`` on stderr
when the input is larger than the limit, not valid JSON or not a valid problem.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys

from volunteers.pairing import MAX_INPUT_BYTES, PairingInputError, parse, solve


def _fail(message: str) -> int:
    sys.stderr.write(json.dumps({"error": message}, ensure_ascii=False) + "\n")
    return 2


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(
        prog="python -m volunteers.pairing",
        description="Pair mentees with volunteers: JSON problem on stdin, pairs on stdout "
        f"(input at most {MAX_INPUT_BYTES // 2**20} MiB).",
    ).parse_args(argv)
    # A short-lived process that makes no reference cycles worth collecting.
    gc.disable()
    document = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    try:
        result = solve(parse(document))
    except PairingInputError as exc:
        return _fail(str(exc))
    except MemoryError:
        return _fail("not enough memory for this problem")
    sys.stdout.buffer.write(json.dumps(result.to_json(), ensure_ascii=False).encode() + b"\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
