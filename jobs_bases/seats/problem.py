"""The engine's input: courses and applicants, and the rules a valid problem keeps.

``check_problem`` holds every rule about values (ids, counts, numbers, times,
references between courses and applicants); ``parse`` only turns JSON into these
types first. So a problem built in Python is held to the same rules as one read
from JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Context, Decimal, InvalidOperation

Id = int | str
# Points are exact: integers, or decimals read from JSON's text (never binary floats,
# so 0.1 + 0.2 ties with 0.3 as a person would expect).
Number = int | Decimal

# Limits. The command reads at most MAX_INPUT_BYTES; the counts keep a problem
# within what a province deployment could ever send at once (20,000 applicants x
# 40 courses is about 4 MB and well under a second), the rest keep reasons readable.
MAX_INPUT_BYTES = 64 * 1024 * 1024
MAX_COURSES = 10_000
MAX_APPLICANTS = 500_000
MAX_PREFERENCES = 100
MAX_ID_LENGTH = 200
MAX_POINTS = 10**15
MAX_DECIMALS = 20

# Wide enough to add two numbers within the limits above without rounding.
EXACT = Context(prec=60, traps=[InvalidOperation])
_DECIMALS_QUANTUM = Decimal(1).scaleb(-MAX_DECIMALS)


class SeatsInputError(ValueError):
    """The input is not a valid seat-allocation problem; the message says where."""


@dataclass(frozen=True, slots=True)
class Course:
    id: Id
    seats: int  # >= 0; a course with 0 seats admits nobody but keeps a waitlist


@dataclass(frozen=True, slots=True)
class Applicant:
    id: Id
    preferences: tuple[Id, ...]  # course ids, best first
    points: Number  # >= 0
    applied_at: datetime  # timezone-aware
    # A course's bonus for this applicant, keyed by course id (as in Course.id).
    course_points: Mapping[Id, Number] = field(default_factory=dict)

    def score(self, course_id: Id) -> Number:
        """What a course ranks this applicant by: points plus that course's bonus."""
        bonus = self.course_points.get(course_id, 0)
        if isinstance(self.points, int) and isinstance(bonus, int):
            return self.points + bonus
        return EXACT.add(Decimal(self.points), Decimal(bonus))


@dataclass(frozen=True, slots=True)
class Problem:
    courses: tuple[Course, ...]
    applicants: tuple[Applicant, ...]


def id_key(value: Id) -> tuple[type, Id]:
    """The identity of an id: 1 and "1" are different ids."""
    return (type(value), value)


def is_int(value: object) -> bool:
    """An int but not a bool: JSON's true and false are neither counts nor ids."""
    return isinstance(value, int) and not isinstance(value, bool)


def check_id(value: object, where: str) -> None:
    if is_int(value):
        return
    if isinstance(value, str) and 0 < len(value) <= MAX_ID_LENGTH:
        return
    raise SeatsInputError(
        f"{where} must be an integer or a non-empty string of at most {MAX_ID_LENGTH} characters"
    )


def check_number(value: object, where: str) -> None:
    """A finite number >= 0, at most MAX_POINTS, with at most MAX_DECIMALS decimals."""
    if is_int(value):
        assert isinstance(value, int)
        if 0 <= value <= MAX_POINTS:
            return
    elif isinstance(value, Decimal) and value.is_finite() and 0 <= value <= MAX_POINTS:
        # The decimals test runs only on bounded values, so it never builds a huge number.
        if value.quantize(_DECIMALS_QUANTUM, context=EXACT) == value:
            return
        raise SeatsInputError(f"{where} has more than {MAX_DECIMALS} digits after the point")
    elif isinstance(value, float):
        # Built in Python rather than parsed: a binary float would make ties inexact.
        raise SeatsInputError(
            f"{where} must be an int or a Decimal, not a float (parse() converts)"
        )
    raise SeatsInputError(f"{where} must be a number from 0 to {MAX_POINTS}")


def _check_count(count: int, limit: int, what: str) -> None:
    if count > limit:
        raise SeatsInputError(f"too many {what}: {count} (at most {limit})")


def _check_courses(courses: tuple[Course, ...]) -> dict[tuple[type, Id], int]:
    _check_count(len(courses), MAX_COURSES, "courses")
    index: dict[tuple[type, Id], int] = {}
    as_key: dict[str, Id] = {}
    for j, course in enumerate(courses):
        where = f"courses[{j}]"
        check_id(course.id, f"{where}.id")
        if not is_int(course.seats) or course.seats < 0:
            raise SeatsInputError(f"{where}.seats must be a whole number >= 0")
        if id_key(course.id) in index:
            raise SeatsInputError(f"duplicate course id {course.id!r}")
        # Waitlists are a JSON object keyed by course id, and JSON keys are strings.
        other = as_key.get(str(course.id))
        if other is not None:
            raise SeatsInputError(
                f"course ids {other!r} and {course.id!r} would be the same key in waitlists"
            )
        index[id_key(course.id)] = j
        as_key[str(course.id)] = course.id
    return index


def _check_applicant(applicant: Applicant, where: str, courses: dict[tuple[type, Id], int]) -> None:
    check_id(applicant.id, f"{where}.id")
    check_number(applicant.points, f"{where}.points")
    applied_at = applicant.applied_at
    if not isinstance(applied_at, datetime) or applied_at.utcoffset() is None:
        raise SeatsInputError(
            f"{where}.applied_at must be an ISO-8601 timestamp with a UTC offset"
            " (e.g. 2025-03-01T09:30:00+08:00)"
        )
    prefs = applicant.preferences
    _check_count(len(prefs), MAX_PREFERENCES, f"preferences in {where}")
    seen: set[tuple[type, Id]] = set()
    for k, course_id in enumerate(prefs):
        key = id_key(course_id)
        if key not in courses:
            raise SeatsInputError(
                f"{where}.preferences[{k}]: unknown course {course_id!r}"
                ' (ids match exactly: 3 and "3" differ)'
            )
        if key in seen:
            raise SeatsInputError(f"{where}.preferences[{k}]: course {course_id!r} listed twice")
        seen.add(key)
    for course_id, bonus in applicant.course_points.items():
        if id_key(course_id) not in courses:
            raise SeatsInputError(f"{where}.course_points: unknown course {course_id!r}")
        check_number(bonus, f"{where}.course_points[{str(course_id)!r}]")


def check_problem(problem: Problem) -> None:
    """Raise :class:`SeatsInputError` naming the first rule the problem breaks."""
    courses = _check_courses(problem.courses)
    _check_count(len(problem.applicants), MAX_APPLICANTS, "applicants")
    seen: set[tuple[type, Id]] = set()
    for i, applicant in enumerate(problem.applicants):
        _check_applicant(applicant, f"applicants[{i}]", courses)
        key = id_key(applicant.id)
        if key in seen:
            raise SeatsInputError(f"duplicate applicant id {applicant.id!r}")
        seen.add(key)
