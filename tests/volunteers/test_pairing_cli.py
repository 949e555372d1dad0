"""``python -m volunteers.pairing``: JSON in on stdin, JSON out on stdout, exit 2 on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.pairing_instances import pairing_errors, random_problem
from volunteers.pairing import MAX_INPUT_BYTES, from_data, solve

ROOT = Path(__file__).resolve().parents[2]


def run_cli(stdin: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "volunteers.pairing", *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_cli_round_trip_gives_the_same_pairs_as_the_function():
    problem = random_problem(2, volunteers=40, mentees=90, density=0.8, string_ids=True)

    completed = run_cli(json.dumps(problem).encode())

    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == b""
    result = json.loads(completed.stdout)  # stdout is the answer and nothing else
    assert pairing_errors(problem, result) == []
    assert result == solve(from_data(problem)).to_json()


def test_cli_keeps_chinese_ids_and_reasons_readable():
    problem = {
        "volunteers": [{"id": "志愿者甲", "capacity": 1}],
        "mentees": [{"id": "对象乙"}],
        "scores": [["志愿者甲", "对象乙", 80]],
    }

    completed = run_cli(json.dumps(problem).encode())

    assert completed.returncode == 0, completed.stderr
    assert "志愿者甲".encode() in completed.stdout  # UTF-8, not \\u escapes
    assert json.loads(completed.stdout)["pairs"][0]["mentee_id"] == "对象乙"


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        (b"{not json", "input is not valid JSON"),
        (b"", "input is not valid JSON"),
        (b"\xff\xfe\x00", "input is not valid JSON"),
        (b"[" * 100_000, "input is not valid JSON"),
        (b'{"volunteers": [], "mentees": [], "scores": [[1, 2, NaN]]}', "NaN is not allowed"),
        (b'{"volunteers": [], "mentees": []}', "input.scores is missing"),
        (b'{"volunteers": [{"id": 1, "capacity": -2}], "mentees": [], "scores": []}',
         "volunteers[0].capacity must be a whole number >= 0"),
        (b'{"volunteers": [{"id": 1, "capacity": 1}, {"id": 1, "capacity": 1}], "mentees": [],'
         b' "scores": []}', "duplicate volunteer id 1"),
        (b'{"volunteers": [{"id": 1, "capacity": 1}], "mentees": [{"id": 2}],'
         b' "scores": [[1, 3, 5]]}', "scores[0][1]: unknown mentee id 3"),
        (b'{"volunteers": [{"id": 1, "capacity": 1}], "mentees": [{"id": 2}],'
         b' "scores": [[1, 2, 5], [1, 2, 6]]}', "scores[1]: duplicate pair"),
        (b'{"volunteers": [{"id": 1, "capacity": 1}], "mentees": [{"id": 2}],'
         b' "scores": [[1, 2, true]]}', "scores[0][2] must be a number"),
        (b'{"volunteers": [{"id": 1, "capacity": 1}], "mentees": [{"id": 2}],'
         b' "scores": [[1, 2, 1e999]]}', "scores[0][2] must be a finite number"),
        (b'{"volunteers": [{"id": 1, "capacity": 1}], "mentees": [{"id": 2}],'
         b' "scores": [[1, 2]]}', "scores[0] must have 3 items"),
    ],
)  # fmt: skip
def test_cli_bad_input_exits_2_with_an_error_and_no_traceback(stdin, message):
    completed = run_cli(stdin)

    assert completed.returncode == 2
    assert completed.stdout == b""
    assert "Traceback" not in completed.stderr.decode()
    assert message in json.loads(completed.stderr)["error"]


def test_cli_refuses_input_beyond_the_byte_limit_without_parsing_it():
    # Valid JSON up to the limit, then one byte more: refused on size alone.
    stdin = b'{"volunteers": [], "mentees": [], "scores": []}'.ljust(MAX_INPUT_BYTES + 1)

    completed = run_cli(stdin)

    assert completed.returncode == 2
    assert completed.stdout == b""
    assert "input is larger than 67,108,864 bytes (64 MiB)" in json.loads(completed.stderr)["error"]


def test_cli_accepts_input_exactly_at_the_byte_limit():
    stdin = b'{"volunteers": [], "mentees": [], "scores": []}'.ljust(MAX_INPUT_BYTES)

    completed = run_cli(stdin)

    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == {"pairs": [], "total": 0, "unpaired": []}


def test_cli_help_names_the_limit():
    completed = run_cli(b"", "--help")

    assert completed.returncode == 0
    assert b"64 MiB" in completed.stdout


def test_cli_starts_without_loading_the_web_stack():
    tiny = {"volunteers": [{"id": 1, "capacity": 1}], "mentees": [{"id": 2}], "scores": [[1, 2, 5]]}
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "volunteers.pairing"],
        input=json.dumps(tiny).encode(),
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["pairs"][0]["mentee_id"] == 2
    # `-X importtime` writes one "import time: self | cumulative | name" line per module.
    loaded = {
        line.rsplit("|", 1)[1].strip()
        for line in completed.stderr.decode().splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "scipy.sparse.csgraph" in loaded  # the listing is read right
    not_for_the_engine = {"flask", "sqlalchemy", "flask_sqlalchemy", "werkzeug", "core"}
    assert sorted(name for name in loaded if name.split(".")[0] in not_for_the_engine) == []
