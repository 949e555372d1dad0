"""The seat engine's assignment is the applicant-optimal stable one: checked against
every stable assignment found by brute force on tiny problems, and by an independent
checker on county and province problems."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.seats_instances import county_problem, course_keys, matching_errors, random_problem
from jobs_bases.seats import parse, solve

_TIMES = [datetime(2025, 3, 1, 9, tzinfo=UTC) + timedelta(minutes=m) for m in (0, 0, 5)]


@st.composite
def tiny_problems(draw: Any) -> Any:
    """Up to 3 courses and 5 applicants; few distinct scores and times, so ties are common."""
    course_ids = draw(
        st.lists(st.sampled_from([1, 2, "a", "b"]), min_size=1, max_size=3, unique_by=str)
    )
    courses = [{"id": c, "seats": draw(st.integers(0, 2))} for c in course_ids]
    applicant_ids = draw(
        st.lists(st.sampled_from([1, 2, 3, "1", "x", "y"]), max_size=5, unique=True)
    )
    applicants = []
    for applicant_id in applicant_ids:
        prefs = draw(st.permutations(course_ids))[: draw(st.integers(0, len(course_ids)))]
        applicant = {
            "id": applicant_id,
            "preferences": prefs,
            "points": draw(st.sampled_from([0, 1, 1.5, 2])),
            "applied_at": draw(st.sampled_from(_TIMES)).isoformat(),
        }
        if prefs and draw(st.booleans()):
            applicant["course_points"] = {str(prefs[-1]): draw(st.sampled_from([0.5, 1]))}
        applicants.append(applicant)
    return {"courses": courses, "applicants": applicants}


def _stable_assignments(problem: Any) -> list[tuple[str | None, ...]]:
    """Every assignment (applicant index -> course JSON key or None) with no blocking pair."""
    keys = course_keys(problem)
    seats = {str(c["id"]): c["seats"] for c in problem["courses"]}
    prefs = [[str(c) for c in a["preferences"]] for a in problem["applicants"]]
    stable = []
    for choice in itertools.product(*[[None, *p] for p in prefs]):
        taken = {course: [i for i, c in enumerate(choice) if c == course] for course in seats}
        if any(len(taken[course]) > seats[course] for course in seats):
            continue
        blocked = False
        for i, wanted in enumerate(prefs):
            better = wanted[: _place(problem, i, choice[i])]
            for course in better:
                held = taken[course]
                if len(held) < seats[course] or any(
                    keys[course][i] < keys[course][h] for h in held
                ):
                    blocked = True
        if not blocked:
            stable.append(choice)
    return stable


def _place(problem: Any, i: int, course: str | None) -> int:
    prefs = [str(c) for c in problem["applicants"][i]["preferences"]]
    return len(prefs) if course is None else prefs.index(course)


def _check_against_brute_force(problem: Any) -> None:
    result = solve(parse(problem)).to_json()
    got = tuple(
        None if a["course_id"] is None else str(a["course_id"]) for a in result["assignments"]
    )
    stable = _stable_assignments(problem)

    assert got in stable
    # Applicant-optimal: nobody does better in any stable assignment.
    for other in stable:
        for i in range(len(got)):
            assert _place(problem, i, got[i]) <= _place(problem, i, other[i])
    assert matching_errors(problem, result) == []


@settings(max_examples=400, deadline=None, database=None)
@given(tiny_problems())
def test_tiny_problems_give_the_applicant_optimal_stable_assignment(problem):
    _check_against_brute_force(problem)


def test_seeded_crowded_tiny_problems_give_the_applicant_optimal_stable_assignment():
    # Five applicants chasing two or three seats in all: many rejections and chains.
    rng = random.Random(20250301)
    for _ in range(300):
        courses = [{"id": f"c{j}", "seats": rng.randint(0, 2)} for j in range(3)]
        applicants = [
            {
                "id": i,
                "preferences": rng.sample([c["id"] for c in courses], rng.randint(1, 3)),
                "points": rng.randint(0, 3),
                "applied_at": rng.choice(_TIMES).isoformat(),
            }
            for i in range(5)
        ]
        _check_against_brute_force({"courses": courses, "applicants": applicants})


def test_county_problems_are_stable_with_right_waitlists():
    for seed in range(5):
        problem = county_problem(seed)

        assert matching_errors(problem, solve(parse(problem)).to_json()) == []


def test_a_larger_problem_is_stable_with_right_waitlists():
    problem = random_problem(7, applicants=3_000, courses=25, preferences=5, seats_share=0.4)

    assert matching_errors(problem, solve(parse(problem)).to_json()) == []


def test_the_order_of_the_input_changes_nobody_s_seat():
    problem = county_problem(11)
    shuffled = dict(problem, applicants=random.Random(3).sample(problem["applicants"], 300))

    def seats(p: Any) -> dict[Any, Any]:
        return {a["applicant_id"]: a["course_id"] for a in solve(parse(p)).to_json()["assignments"]}

    assert seats(shuffled) == seats(problem)
    assert (
        solve(parse(shuffled)).to_json()["waitlists"]
        == solve(parse(problem)).to_json()["waitlists"]
    )
