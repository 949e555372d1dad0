"""Every assignment carries a reason a person can be read, in Chinese and in English, with the facts."""

from __future__ import annotations

from typing import Any

from jobs_bases.seats import parse, solve

MORNING = "2025-03-01T09:00:00+08:00"
LATER = "2025-03-01T10:00:00+08:00"


def outcome(courses: Any, applicants: Any, who: Any) -> Any:
    problem = {
        "courses": [{"id": c, "seats": n} for c, n in courses.items()],
        "applicants": [
            {"id": i, "preferences": p, "points": pts, "applied_at": at, **extra}
            for i, p, pts, at, extra in applicants
        ],
    }
    result = solve(parse(problem)).to_json()
    return next(a for a in result["assignments"] if a["applicant_id"] == who)


def test_first_choice():
    got = outcome({"A": 1}, [(1, ["A"], 5, MORNING, {})], 1)

    assert got["reason_code"] == "first_choice"
    assert got["choice"] == 1
    assert got["reason"] == "录取第1志愿（课程 A）。"
    assert got["reason_en"] == "Admitted to choice 1 (course A)."
    assert got["passed_over"] == []


def test_second_choice_names_the_cut_off_and_the_applicant_s_score():
    got = outcome(
        {"A": 1, "B": 1}, [(1, ["A"], 7, MORNING, {}), (2, ["A", "B"], 5, MORNING, {})], 2
    )

    assert got["reason_code"] == "later_choice"
    assert got["choice"] == 2
    assert got["reason"] == (
        "录取第2志愿（课程 B）：第1志愿（课程 A）名额已满，该课程最低录取分 7 分，您 5 分，列候补第 1 位。"
    )
    assert got["reason_en"] == (
        "Admitted to choice 2 (course B): choice 1 (course A) is full, its lowest admitted"
        " score is 7, yours is 5, waitlist position 1."
    )
    assert got["passed_over"] == [
        {
            "course_id": "A",
            "choice": 1,
            "seats": 1,
            "cutoff": 7,
            "score": 5,
            "bonus": 0,
            "tie_break": None,
            "waitlist_position": 1,
        }
    ]


def test_no_seat_lists_every_choice_with_its_cut_off_and_the_bonus():
    got = outcome(
        {"A": 1, "B": 0, "C": 1},
        [
            (1, ["A"], 9.5, MORNING, {}),
            (2, ["C"], 8, MORNING, {}),
            (3, ["A", "B", "C"], 5, MORNING, {"course_points": {"C": 2}}),
        ],
        3,
    )

    assert got["reason_code"] == "all_choices_full"
    assert got["course_id"] is None and got["choice"] is None
    assert got["reason"] == (
        "未录取：所填志愿均无名额可录取。"
        "第1志愿（课程 A）名额已满，该课程最低录取分 9.5 分，您 5 分，列候补第 1 位；"
        "第2志愿（课程 B）本期名额为 0，列候补第 1 位；"
        "第3志愿（课程 C）名额已满，该课程最低录取分 8 分，您 7 分（含该课程加分 2 分），列候补第 1 位。"
    )
    assert got["reason_en"] == (
        "Not admitted: none of the chosen courses had a seat left. "
        "Choice 1 (course A) is full, its lowest admitted score is 9.5, yours is 5, waitlist position 1; "
        "choice 2 (course B) has no seats, waitlist position 1; "
        "choice 3 (course C) is full, its lowest admitted score is 8, yours is 7"
        " (including this course's bonus of 2), waitlist position 1."
    )
    assert [p["cutoff"] for p in got["passed_over"]] == [9.5, None, 8]


def test_a_tie_lost_on_application_time_says_so():
    got = outcome({"A": 1}, [(1, ["A"], 6, MORNING, {}), (2, ["A"], 6, LATER, {})], 2)

    assert got["reason"] == (
        "未录取：所填志愿均无名额可录取。第1志愿（课程 A）名额已满，该课程最低录取分 6 分，"
        "您同为 6 分，同分者报名在先者优先，您报名较晚，列候补第 1 位。"
    )
    assert (
        "yours is also 6 and on equal scores earlier applications come first: yours was later"
        in got["reason_en"]
    )
    assert got["passed_over"][0]["tie_break"] == "applied_at"


def test_a_tie_lost_on_id_says_so():
    got = outcome({"A": 1}, [(2, ["A"], 6, MORNING, {}), (1, ["A"], 6, MORNING, {})], 2)

    assert "您同为 6 分且报名时间相同，按申请编号顺序录取，您的编号靠后" in got["reason"]
    assert (
        "applied at the same time, and on a full tie lower application ids come first"
        in got["reason_en"]
    )
    assert got["passed_over"][0]["tie_break"] == "id"


def test_no_preferences():
    got = outcome({"A": 1}, [(1, [], 6, MORNING, {})], 1)

    assert got["reason_code"] == "no_preferences"
    assert got["reason"] == "未录取：未填报任何志愿。"
    assert got["reason_en"] == "Not admitted: no course was chosen."


def test_scores_are_shown_without_exponents_or_trailing_zeros():
    got = outcome(
        {"A": 1, "B": 1},
        [(1, ["A"], 100.50, MORNING, {}), (2, ["A", "B"], 1e2, MORNING, {})],
        2,
    )

    assert "该课程最低录取分 100.5 分，您 100 分" in got["reason"]
