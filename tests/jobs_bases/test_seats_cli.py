"""``python -m jobs_bases.seats``: JSON in on stdin, JSON out on stdout, exit 2 with a reason on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.seats_instances import county_problem, matching_errors
from jobs_bases.seats import MAX_INPUT_BYTES, parse, solve

ROOT = Path(__file__).resolve().parents[2]
AT = "2025-03-01T09:00:00+08:00"


def run_cli(
    stdin: bytes, *args: str, python_flags: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, *python_flags, "-m", "jobs_bases.seats", *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_round_trip_gives_what_the_function_gives():
    problem = county_problem(3)

    completed = run_cli(json.dumps(problem).encode())

    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == b""
    result = json.loads(completed.stdout)
    assert result == solve(parse(problem)).to_json()
    assert matching_errors(problem, result) == []


def test_output_keeps_chinese_readable_and_ids_as_given():
    problem = {
        "courses": [{"id": 1, "seats": 1}, {"id": "焊工", "seats": 0}],
        "applicants": [{"id": "申请-1", "preferences": ["焊工", 1], "points": 3, "applied_at": AT}],
    }

    completed = run_cli(json.dumps(problem).encode())

    assert completed.returncode == 0, completed.stderr
    assert "录取第2志愿（课程 1）".encode() in completed.stdout  # UTF-8, not \\u escapes
    result = json.loads(completed.stdout)
    assert result["assignments"][0]["applicant_id"] == "申请-1"
    assert result["assignments"][0]["course_id"] == 1
    assert result["waitlists"] == {"1": [], "焊工": ["申请-1"]}


def _problem(courses: Any = None, applicants: Any = None) -> dict[str, Any]:
    return {
        "courses": [{"id": "A", "seats": 1}] if courses is None else courses,
        "applicants": applicants if applicants is not None else [],
    }


def _one(**fields: Any) -> dict[str, Any]:
    base = {"id": 1, "preferences": ["A"], "points": 5, "applied_at": AT}
    base.update(fields)
    return _problem(applicants=[{k: v for k, v in base.items() if v is not ...}])


BAD_INPUTS = [
    (b"{not json", "input is not valid JSON"),
    (b"", "input is not valid JSON"),
    (b"\xff\xfe\x00", "input is not valid JSON"),
    (b"[" * 100_000, "input is not valid JSON"),
    (b'{"courses": [], "applicants": [], "courses": []}', "key 'courses' appears twice"),
    (
        b'{"courses": [], "applicants": [{"id": 1, "preferences": [], "points": NaN,'
        b' "applied_at": "2025-03-01T09:00:00Z"}]}',
        "NaN is not a number",
    ),
    (json.dumps([]).encode(), "input must be an object"),
    (json.dumps({"courses": []}).encode(), "input.applicants is missing"),
    (json.dumps({"courses": [], "applicants": [], "extra": 1}).encode(), "unknown key 'extra'"),
    (json.dumps(_problem(courses={"A": 1})).encode(), "input.courses must be a list"),
    (
        json.dumps(_problem(courses=[{"id": "A", "seats": -1}])).encode(),
        "courses[0].seats must be a whole number >= 0",
    ),
    (
        json.dumps(_problem(courses=[{"id": "A", "seats": 1.5}])).encode(),
        "courses[0].seats must be a whole number",
    ),
    (
        json.dumps(_problem(courses=[{"id": "A", "seats": True}])).encode(),
        "courses[0].seats must be a whole number",
    ),
    (json.dumps(_problem(courses=[{"id": "A"}])).encode(), "courses[0].seats is missing"),
    (
        json.dumps(_problem(courses=[{"id": True, "seats": 1}])).encode(),
        "courses[0].id must be an integer or a string",
    ),
    (
        json.dumps(_problem(courses=[{"id": 1.0, "seats": 1}])).encode(),
        "courses[0].id must be an integer or a string",
    ),
    (
        json.dumps(_problem(courses=[{"id": "", "seats": 1}])).encode(),
        "courses[0].id must be an integer or a non-empty string",
    ),
    (
        json.dumps(_problem(courses=[{"id": "A", "seats": 1}] * 2)).encode(),
        "duplicate course id 'A'",
    ),
    (
        json.dumps(_problem(courses=[{"id": 3, "seats": 1}, {"id": "3", "seats": 1}])).encode(),
        "course ids 3 and '3' would be the same key in waitlists",
    ),
    (
        json.dumps(_one(preferences=["B"])).encode(),
        "applicants[0].preferences[0]: unknown course 'B'",
    ),
    (
        json.dumps(_one(preferences=["A", "A"])).encode(),
        "applicants[0].preferences[1]: course 'A' listed twice",
    ),
    (json.dumps(_one(preferences="A")).encode(), "applicants[0].preferences must be a list"),
    (json.dumps(_one(points=-1)).encode(), "applicants[0].points must be a number from 0"),
    (json.dumps(_one(points=True)).encode(), "applicants[0].points must be a number"),
    (json.dumps(_one(points="5")).encode(), "applicants[0].points must be a number"),
    (json.dumps(_one(points=10**16)).encode(), "applicants[0].points must be a number from 0 to"),
    (
        b'{"courses": [], "applicants": [{"id": 1, "preferences": [], "points": 1e999, "applied_at": "2025-03-01T09:00:00Z"}]}',
        "applicants[0].points must be a number from 0 to",
    ),
    (
        b'{"courses": [], "applicants": [{"id": 1, "preferences": [], "points": 0.1234567890123456789012, "applied_at": "2025-03-01T09:00:00Z"}]}',
        "more than 20 digits after the point",
    ),
    (json.dumps(_one(points=...)).encode(), "applicants[0].points is missing"),
    (
        json.dumps(_one(course_points={"B": 1})).encode(),
        "applicants[0].course_points: unknown course 'B'",
    ),
    (
        json.dumps(_one(course_points={"A": -2})).encode(),
        "applicants[0].course_points['A'] must be a number from 0",
    ),
    (json.dumps(_one(course_points=[1])).encode(), "applicants[0].course_points must be an object"),
    (
        json.dumps(_one(applied_at="yesterday")).encode(),
        "applicants[0].applied_at must be an ISO-8601 timestamp",
    ),
    (
        json.dumps(_one(applied_at="2025-03-01T09:00:00")).encode(),
        "applicants[0].applied_at must be an ISO-8601 timestamp with a UTC offset",
    ),
    (
        json.dumps(_one(applied_at=1740790800)).encode(),
        "applicants[0].applied_at must be an ISO-8601 timestamp",
    ),
    (json.dumps(_one(prefrences=["A"])).encode(), "applicants[0] has unknown key 'prefrences'"),
    (
        json.dumps(_problem(applicants=[_one()["applicants"][0]] * 2)).encode(),
        "duplicate applicant id 1",
    ),
]


@pytest.mark.parametrize(("stdin", "message"), BAD_INPUTS)
def test_bad_input_exits_2_with_the_reason_and_no_traceback(stdin, message):
    completed = run_cli(stdin)

    assert completed.returncode == 2
    assert completed.stdout == b""
    assert "Traceback" not in completed.stderr.decode()
    assert message in json.loads(completed.stderr)["error"]


def test_too_many_preferences_are_refused():
    courses = [{"id": k, "seats": 1} for k in range(101)]
    applicant = {"id": 1, "preferences": list(range(101)), "points": 1, "applied_at": AT}

    completed = run_cli(json.dumps(_problem(courses=courses, applicants=[applicant])).encode())

    assert completed.returncode == 2
    assert (
        "too many preferences in applicants[0]: 101 (at most 100)"
        in json.loads(completed.stderr)["error"]
    )


def test_input_over_the_size_limit_is_refused_before_parsing():
    completed = run_cli(b" " * (MAX_INPUT_BYTES + 1))

    assert completed.returncode == 2
    assert json.loads(completed.stderr)["error"] == "input is larger than 64 MiB"


def test_help_names_the_limit():
    completed = run_cli(b"", "--help")

    assert completed.returncode == 0
    assert b"64 MiB" in completed.stdout


def test_the_command_loads_no_web_stack_and_nothing_else_of_ours():
    tiny = _one()
    completed = run_cli(json.dumps(tiny).encode(), python_flags=("-X", "importtime"))

    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["assignments"][0]["course_id"] == "A"
    # `-X importtime` writes one "import time: self | cumulative | name" line per module.
    loaded = {
        line.rsplit("|", 1)[1].strip()
        for line in completed.stderr.decode().splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "jobs_bases.seats.engine" in loaded  # the listing is read right
    web = {"flask", "sqlalchemy", "flask_sqlalchemy", "werkzeug", "jinja2", "wtforms"}
    ours = {"core", "portal", "donations", "volunteers", "sandboxes", "bench"}
    assert sorted(name for name in loaded if name.split(".")[0] in web | ours) == []
    wing = sorted(
        n for n in loaded if n.startswith("jobs_bases.") and not n.startswith("jobs_bases.seats")
    )
    assert wing == []


def test_importing_the_engine_loads_no_web_stack():
    code = (
        "import sys, jobs_bases.seats; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'flask', 'sqlalchemy', 'werkzeug', 'core', 'portal'}))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, cwd=ROOT, timeout=120, check=False
    )

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == b"[]"
