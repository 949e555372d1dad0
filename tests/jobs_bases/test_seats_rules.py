"""How a course ranks its applicants, what its waitlist holds, and the Python API."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from jobs_bases.seats import (
    ALL_CHOICES_FULL,
    NO_PREFERENCES,
    Applicant,
    Course,
    Problem,
    SeatsInputError,
    parse,
    solve,
)

MORNING = "2025-03-01T09:00:00+08:00"
LATER = "2025-03-01T10:00:00+08:00"


def applicant(id: Any, prefs: Any, points: Any, applied_at: str = MORNING, **extra: Any) -> Any:
    return {"id": id, "preferences": prefs, "points": points, "applied_at": applied_at, **extra}


def run(courses: Any, applicants: Any) -> Any:
    problem = {
        "courses": [{"id": c, "seats": n} for c, n in courses.items()],
        "applicants": applicants,
    }
    return solve(parse(problem)).to_json()


def seat_of(result: Any) -> Any:
    return {a["applicant_id"]: a["course_id"] for a in result["assignments"]}


def test_higher_points_win_the_last_seat():
    result = run({"weld": 1}, [applicant(1, ["weld"], 5), applicant(2, ["weld"], 8)])

    assert seat_of(result) == {1: None, 2: "weld"}


def test_equal_points_go_to_the_earlier_application():
    result = run({"weld": 1}, [applicant(1, ["weld"], 5, LATER), applicant(2, ["weld"], 5)])

    assert seat_of(result) == {1: None, 2: "weld"}


def test_application_times_compare_as_instants_not_as_text():
    # 09:30 in Shanghai is 01:30 UTC: earlier than 02:00 UTC, though "09" > "02".
    result = run(
        {"weld": 1},
        [
            applicant("utc", ["weld"], 5, "2025-03-01T02:00:00Z"),
            applicant("cst", ["weld"], 5, "2025-03-01T09:30:00+08:00"),
        ],
    )

    assert seat_of(result) == {"utc": None, "cst": "weld"}


def test_equal_points_and_times_go_to_the_lower_id_integers_before_strings():
    result = run(
        {"weld": 2},
        [applicant("a", ["weld"], 5), applicant(10, ["weld"], 5), applicant(9, ["weld"], 5)],
    )

    assert seat_of(result) == {"a": None, 10: "weld", 9: "weld"}
    assert result["waitlists"]["weld"] == ["a"]


def test_a_course_bonus_counts_for_that_course_only():
    result = run(
        {"weld": 1, "cook": 1},
        [
            applicant(1, ["weld", "cook"], 5, course_points={"weld": 4}),
            applicant(2, ["weld", "cook"], 8),
            applicant(3, ["cook"], 6, LATER),
        ],
    )

    # At weld 1 has 9 > 8; at cook 2 has 8 > 6.
    assert seat_of(result) == {1: "weld", 2: "cook", 3: None}
    assert result["courses"][0]["cutoff"] == 9


def test_decimal_points_tie_exactly():
    # 0.1 + 0.2 is 0.3 here, so the earlier application wins the tie.
    result = run(
        {"weld": 1},
        [
            applicant(1, ["weld"], 0.3, LATER),
            applicant(2, ["weld"], 0.1, course_points={"weld": 0.2}),
        ],
    )

    assert seat_of(result) == {1: None, 2: "weld"}
    assert result["assignments"][0]["passed_over"][0]["tie_break"] == "applied_at"


def test_long_decimals_are_ranked_exactly():
    # 35 significant digits: more than Python's default decimal precision of 28.
    document = (
        '{"courses": [{"id": "weld", "seats": 1}], "applicants": ['
        '{"id": 1, "preferences": ["weld"], "points": 123456789012345.12345678901234567890,'
        f' "applied_at": "{MORNING}"}},'
        '{"id": 2, "preferences": ["weld"], "points": 123456789012345.12345678901234567891,'
        f' "applied_at": "{LATER}"}}]}}'
    )

    result = solve(parse(document))

    assert [a.course_id for a in result.assignments] == [None, "weld"]
    assert result.courses[0].cutoff == Decimal("123456789012345.12345678901234567891")
    assert "最低录取分 123456789012345.12345678901234567891 分" in result.assignments[0].reason


def test_a_course_without_seats_admits_nobody_and_keeps_a_waitlist():
    result = run(
        {"none": 0, "cook": 5},
        [applicant(1, ["none", "cook"], 5), applicant(2, ["none"], 9), applicant(3, ["cook"], 1)],
    )

    assert seat_of(result) == {1: "cook", 2: None, 3: "cook"}
    assert result["waitlists"] == {"none": [2, 1], "cook": []}
    assert result["courses"][0] == {"course_id": "none", "seats": 0, "admitted": 0, "cutoff": None}
    assert result["assignments"][1]["reason_code"] == ALL_CHOICES_FULL


def test_an_applicant_without_preferences_gets_no_seat_and_waits_nowhere():
    result = run({"weld": 3}, [applicant(1, [], 99)])

    assert seat_of(result) == {1: None}
    assert result["waitlists"] == {"weld": []}
    assert result["assignments"][0]["reason_code"] == NO_PREFERENCES


def test_waitlists_hold_everyone_who_preferred_the_course_in_its_order():
    result = run(
        {"weld": 1, "cook": 1, "sew": 5},
        [
            applicant("top", ["weld", "cook"], 10),
            applicant("b", ["weld", "cook", "sew"], 7),
            applicant("c", ["cook", "weld"], 9),
            applicant("d", ["sew", "weld"], 1),  # got sew, its first choice: waits nowhere
            applicant("e", ["weld", "sew"], 8, LATER),
            applicant("f", ["weld", "sew"], 8),
        ],
    )

    assert seat_of(result) == {
        "top": "weld",
        "b": "sew",
        "c": "cook",
        "d": "sew",
        "e": "sew",
        "f": "sew",
    }
    # Course order: points, then earlier application (f before e).
    # c got cook, its first choice: it does not wait for weld, its second.
    assert result["waitlists"]["weld"] == ["f", "e", "b"]
    assert result["waitlists"]["cook"] == ["b"]
    assert result["waitlists"]["sew"] == []
    positions = {
        p["course_id"]: p["waitlist_position"] for p in result["assignments"][1]["passed_over"]
    }
    assert positions == {"weld": 3, "cook": 1}


def test_ids_are_returned_as_given():
    result = run(
        {7: 1, "7b": 1},
        [applicant(1, [7], 5), applicant("1", [7, "7b"], 6)],
    )

    assert [(a["applicant_id"], a["course_id"]) for a in result["assignments"]] == [
        (1, None),
        ("1", 7),
    ]
    # JSON object keys are strings: the waitlist of course 7 is under "7".
    assert result["waitlists"] == {"7": [1], "7b": []}


def test_the_python_api_takes_dataclasses_and_checks_them_too():
    at = datetime(2025, 3, 1, 1, tzinfo=UTC)
    problem = Problem(
        courses=(Course("weld", 1),),
        applicants=(
            Applicant(1, ("weld",), Decimal("4.5"), at, {"weld": Decimal("0.5")}),
            Applicant(2, ("weld",), 5, at),
        ),
    )

    result = solve(problem)

    assert [a.course_id for a in result.assignments] == ["weld", None]
    assert result.waitlists == {"weld": (2,)}
    assert result.assignments[1].passed_over[0].tie_break == "id"
    with pytest.raises(SeatsInputError, match="unknown course 'cook'"):
        solve(Problem((Course("weld", 1),), (Applicant(1, ("cook",), 5, at),)))
    with pytest.raises(SeatsInputError, match=r"points must be an int or a Decimal, not a float"):
        solve(Problem((), (Applicant(1, (), 4.5, at),)))  # type: ignore[arg-type]
    with pytest.raises(SeatsInputError, match="UTC offset"):
        solve(Problem((), (Applicant(1, (), 5, datetime(2025, 3, 1)),)))  # noqa: DTZ001


def test_parse_takes_text_bytes_or_a_decoded_document():
    document = {"courses": [{"id": 1, "seats": 1}], "applicants": [applicant(1, [1], 2.5)]}
    text = json.dumps(document)

    assert parse(text) == parse(text.encode()) == parse(document)
    assert parse(document).applicants[0].points == Decimal("2.5")
    assert parse({"courses": [], "applicants": [applicant(1, [], 7.0)]}).applicants[0].points == 7
