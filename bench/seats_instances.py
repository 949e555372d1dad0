"""Seeded seat-allocation problems, and an independent check of an answer (not used at runtime).

The check reads the problem and the answer as JSON and shares no code with the
engine: it recomputes every course's ranking with exact fractions and looks for
a blocking pair, an overfull course and a waitlist that differs from its
definition.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from fractions import Fraction
from typing import Any

ProblemJson = dict[str, list[dict[str, Any]]]  # the command line's input, decoded
OutputJson = Mapping[str, Any]

_OPENED = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
_SHANGHAI = timezone(timedelta(hours=8))


def random_problem(
    seed: int,
    *,
    applicants: int,
    courses: int,
    preferences: int,
    seats_share: float,
    string_course_ids: bool = True,
) -> ProblemJson:
    """A problem with popular and unpopular courses and ``seats_share`` seats per applicant.

    Applicants list up to ``preferences`` courses, the popular ones more often;
    points are 0-100 (a tenth of them with a half point); a fifth get a bonus
    of 5 or 10 from one course they listed; applications are timed to the
    minute over a month, so equal scores often meet equal times too. A few
    list nothing, and course 3 (if any) has no seats.
    """
    rng = random.Random(seed)
    ids: list[int | str] = [
        f"course-{j + 1:02d}" if string_course_ids else j + 1 for j in range(courses)
    ]
    popularity = [1 / (j + 1) ** 0.7 for j in range(courses)]
    total_seats = max(1, int(applicants * seats_share))
    seats = [max(1, round(total_seats * p / sum(popularity))) for p in popularity]
    if courses > 3:
        seats[2] = 0
    applicant_list: list[dict[str, Any]] = []
    for i in range(applicants):
        wanted = 0 if rng.random() < 0.01 else min(preferences, courses)
        chosen: list[int | str] = []
        while len(chosen) < wanted:
            pick = rng.choices(ids, weights=popularity)[0]
            if pick not in chosen:
                chosen.append(pick)
        points: int | float = rng.randint(0, 100)
        if rng.random() < 0.1:
            points += 0.5
        minute = rng.randrange(30 * 24 * 60)
        # Half in Shanghai time, half in UTC: instants are compared, not texts.
        applied_at = (_OPENED + timedelta(minutes=minute)).astimezone(UTC if i % 2 else _SHANGHAI)
        applicant: dict[str, Any] = {
            "id": i + 1,
            "preferences": chosen,
            "points": points,
            "applied_at": applied_at.isoformat(),
        }
        if chosen and rng.random() < 0.2:
            applicant["course_points"] = {str(rng.choice(chosen)): rng.choice((5, 10))}
        applicant_list.append(applicant)
    return {
        "courses": [{"id": course_id, "seats": n} for course_id, n in zip(ids, seats, strict=True)],
        "applicants": applicant_list,
    }


def county_problem(seed: int) -> ProblemJson:
    """A county's intake: 300 applicants for 6 courses, 3 choices each, seats for half."""
    return random_problem(
        seed, applicants=300, courses=6, preferences=3, seats_share=0.5, string_course_ids=False
    )


def province_problem(seed: int) -> ProblemJson:
    """Province scale: 20,000 applicants x 40 courses, 5 choices each, seats for half."""
    return random_problem(seed, applicants=20_000, courses=40, preferences=5, seats_share=0.5)


def _exact(value: Any) -> Fraction:
    return Fraction(str(value))  # str of a float is its shortest decimal text


def course_keys(problem: ProblemJson) -> dict[str, dict[int, tuple[Any, ...]]]:
    """For each course (by JSON key), each listing applicant's sort key: smaller is better."""
    keys: dict[str, dict[int, tuple[Any, ...]]] = {str(c["id"]): {} for c in problem["courses"]}
    for i, a in enumerate(problem["applicants"]):
        applied = datetime.fromisoformat(a["applied_at"])
        id_order = (isinstance(a["id"], str), a["id"])
        bonuses = a.get("course_points") or {}
        for course_id in a["preferences"]:
            score = _exact(a["points"]) + _exact(bonuses.get(str(course_id), 0))
            keys[str(course_id)][i] = (-score, applied, id_order)
    return keys


def matching_errors(problem: ProblemJson, output: OutputJson) -> list[str]:
    """What is wrong with ``output`` as the stable assignment and waitlists of ``problem``."""
    errors: list[str] = []
    applicants = problem["applicants"]
    assignments = output["assignments"]
    if [a["applicant_id"] for a in assignments] != [a["id"] for a in applicants]:
        return ["assignments are not one per applicant in input order"]
    keys = course_keys(problem)
    seats = {str(c["id"]): c["seats"] for c in problem["courses"]}
    admitted: dict[str, list[int]] = {course: [] for course in seats}
    got: list[int] = []  # the place of the assigned course in the preferences
    for i, (a, assignment) in enumerate(zip(applicants, assignments, strict=True)):
        prefs = [str(c) for c in a["preferences"]]
        course = assignment["course_id"]
        if course is None:
            got.append(len(prefs))
        elif str(course) not in prefs:
            errors.append(f"applicant {a['id']} got course {course} they did not list")
            got.append(len(prefs))
        else:
            got.append(prefs.index(str(course)))
            admitted[str(course)].append(i)
    for course, held in admitted.items():
        if len(held) > seats[course]:
            errors.append(f"course {course} admits {len(held)} > {seats[course]} seats")
    worst = {
        course: max((keys[course][i] for i in held), default=None)
        for course, held in admitted.items()
    }
    for i, a in enumerate(applicants):
        for course in (str(c) for c in a["preferences"][: got[i]]):
            free = len(admitted[course]) < seats[course]
            bar = worst[course]
            if free or (bar is not None and keys[course][i] < bar):
                errors.append(f"applicant {a['id']} and course {course} block")
    for course in seats:
        above = [i for i in keys[course] if _place(applicants[i], course) < got[i]]
        expected = [applicants[i]["id"] for i in sorted(above, key=keys[course].__getitem__)]
        if output["waitlists"].get(course) != expected:
            errors.append(f"waitlist of course {course} is wrong")
    return errors


def _place(applicant: Mapping[str, Any], course: str) -> int:
    return [str(c) for c in applicant["preferences"]].index(course)
