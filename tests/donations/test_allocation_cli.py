"""``python -m donations.allocation``: JSON in on stdin, JSON out on stdout, exit 2 on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.allocation_instances import county_problem, province_problem
from donations.allocation import allocate
from donations.allocation.problem import parse_problem
from donations.allocation.verify import allocation_errors

ROOT = Path(__file__).resolve().parents[2]


def run_cli(stdin: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "donations.allocation", *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_cli_round_trip_gives_the_same_allocation_as_the_function():
    problem = county_problem(5)

    completed = run_cli(json.dumps(problem).encode(), "--time-limit", "120")

    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert allocation_errors(parse_problem(problem), result) == []
    assert result == allocate(problem, time_limit_s=120)


def test_cli_stdout_is_only_json_at_province_scale():
    problem = province_problem(1)

    completed = run_cli(json.dumps(problem).encode())

    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)  # solver chatter would break this
    assert allocation_errors(parse_problem(problem), result) == []


def test_cli_rejects_a_meaningless_time_limit():
    completed = run_cli(b"{}", "--time-limit", "-1")

    assert completed.returncode == 2
    assert "--time-limit" in completed.stderr.decode()


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        (b"{not json", "input is not valid JSON"),
        (b"", "input is not valid JSON"),
        (b"\xff\xfe\x00", "input is not valid JSON"),
        (b'{"pools": [], "needs": [{"id": 1, "amount_fen": NaN}]}', "input is not valid JSON"),
        (b"[" * 100_000, "input is not valid JSON"),
        (b'{"pools": []}', "input.needs is missing"),
        (
            b'{"pools": [], "needs": [{"id": 1, "amount_fen": 0, "category": "living",'
            b' "town": "chikan", "priority": 3}]}',
            "needs[0].amount_fen must be a whole number of fen > 0",
        ),
    ],
)
def test_cli_bad_input_exits_2_with_an_error_and_no_traceback(stdin, message):
    completed = run_cli(stdin)

    assert completed.returncode == 2
    assert completed.stdout == b""
    assert "Traceback" not in completed.stderr.decode()
    assert message in json.loads(completed.stderr)["error"]


def test_cli_starts_without_loading_the_web_stack():
    tiny = {
        "pools": [{"id": "p", "balance_fen": 500, "categories": None, "towns": None}],
        "needs": [{"id": 1, "amount_fen": 300, "category": "living", "town": "t", "priority": 1}],
    }
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "donations.allocation"],
        input=json.dumps(tiny).encode(),
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["funded"][0]["need_id"] == 1
    # `-X importtime` writes one "import time: self | cumulative | name" line per module.
    loaded = {
        line.rsplit("|", 1)[1].strip()
        for line in completed.stderr.decode().splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "scipy.optimize" in loaded  # the listing is read right
    # core stands on Flask-SQLAlchemy; the engine needs none of it.
    not_for_the_engine = {"flask", "sqlalchemy", "flask_sqlalchemy", "werkzeug", "core"}
    assert sorted(name for name in loaded if name.split(".")[0] in not_for_the_engine) == []
