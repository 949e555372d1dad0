"""From JSON to a :class:`Problem`: types first here, then every rule in ``check_problem``."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from jobs_bases.seats.problem import (
    MAX_APPLICANTS,
    MAX_COURSES,
    MAX_INPUT_BYTES,
    Applicant,
    Course,
    Id,
    Number,
    Problem,
    SeatsInputError,
    check_problem,
    is_int,
)

_PROBLEM_KEYS = frozenset({"courses", "applicants"})
_COURSE_KEYS = frozenset({"id", "seats"})
_APPLICANT_KEYS = frozenset({"id", "preferences", "points", "course_points", "applied_at"})
_APPLICANT_REQUIRED = _APPLICANT_KEYS - {"course_points"}


def _reject_constant(name: str) -> None:
    raise SeatsInputError(f"input is not valid JSON: {name} is not a number")


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise SeatsInputError(f"input is not valid JSON: key {key!r} appears twice")
            seen.add(key)
    return obj


def decode(document: str | bytes) -> object:
    """JSON text to Python: numbers with a point stay exact decimals; NaN, Infinity
    and repeated keys in one object are refused."""
    if len(document) > MAX_INPUT_BYTES:
        raise SeatsInputError(f"input is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB")
    try:
        return json.loads(
            document,
            parse_float=Decimal,
            parse_constant=_reject_constant,
            object_pairs_hook=_unique_keys,
        )
    except SeatsInputError:
        raise
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, bad bytes, deep nesting
        raise SeatsInputError(f"input is not valid JSON: {exc}") from None


def _object(value: object, where: str, keys: frozenset[str]) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise SeatsInputError(f"{where} must be an object")
    unknown = sorted(set(value) - keys)
    if unknown:
        raise SeatsInputError(f"{where} has unknown key {unknown[0]!r}")
    return value


def _field(obj: Mapping[str, object], key: str, where: str) -> object:
    if key not in obj:
        raise SeatsInputError(f"{where}.{key} is missing")
    return obj[key]


def _list(value: object, where: str, limit: int | None = None) -> Sequence[object]:
    if not isinstance(value, list):
        raise SeatsInputError(f"{where} must be a list")
    if limit is not None and len(value) > limit:
        raise SeatsInputError(f"too many items in {where}: {len(value)} (at most {limit})")
    return value


def _id(value: object, where: str) -> Id:
    if is_int(value) or isinstance(value, str):
        assert isinstance(value, int | str)
        return value  # length and emptiness: check_problem
    raise SeatsInputError(f"{where} must be an integer or a string")


def _number(value: object, where: str) -> Number:
    if is_int(value):
        assert isinstance(value, int)
        return value
    if isinstance(value, float) and math.isfinite(value):
        # A float from an already decoded document: its shortest text is what the
        # sender wrote (0.1 stays 0.1, not 0.1000000000000000055...).
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        # 7.0 and 7 are the same score; an integer keeps the sums fast and the reasons plain.
        if value.is_finite() and value.copy_abs() < 10**30 and value == value.to_integral_value():
            return int(value)
        return value  # range and decimals: check_problem
    raise SeatsInputError(f"{where} must be a number")


def _timestamp(value: object, where: str) -> datetime:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    raise SeatsInputError(
        f"{where} must be an ISO-8601 timestamp with a UTC offset (e.g. 2025-03-01T09:30:00+08:00)"
    )


def _course(raw: object, where: str) -> Course:
    obj = _object(raw, where, _COURSE_KEYS)
    seats = _field(obj, "seats", where)
    if not is_int(seats):
        raise SeatsInputError(f"{where}.seats must be a whole number >= 0")
    assert isinstance(seats, int)
    return Course(id=_id(_field(obj, "id", where), f"{where}.id"), seats=seats)


def _course_points(value: object, where: str, courses: Mapping[str, Id]) -> dict[Id, Number]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise SeatsInputError(f"{where} must be an object (course id: bonus) or null")
    # JSON keys are strings: "3" names the course whose id is 3 or "3" (never both:
    # check_problem refuses such course lists).
    bonuses: dict[Id, Number] = {}
    for key, bonus in value.items():
        if key not in courses:
            raise SeatsInputError(f"{where}: unknown course {key!r}")
        bonuses[courses[key]] = _number(bonus, f"{where}[{key!r}]")
    return bonuses


def _applicant(raw: object, where: str, courses: Mapping[str, Id]) -> Applicant:
    obj = _object(raw, where, _APPLICANT_KEYS)
    for key in sorted(_APPLICANT_REQUIRED):
        _field(obj, key, where)
    prefs = _list(obj["preferences"], f"{where}.preferences")
    return Applicant(
        id=_id(obj["id"], f"{where}.id"),
        preferences=tuple(_id(p, f"{where}.preferences[{k}]") for k, p in enumerate(prefs)),
        points=_number(obj["points"], f"{where}.points"),
        applied_at=_timestamp(obj["applied_at"], f"{where}.applied_at"),
        course_points=_course_points(obj.get("course_points"), f"{where}.course_points", courses),
    )


def parse(document: object) -> Problem:
    """A checked :class:`Problem` from JSON text (str or bytes) or an already decoded document.

    Raises :class:`SeatsInputError` naming the first offending field.
    """
    data = decode(document) if isinstance(document, str | bytes) else document
    obj = _object(data, "input", _PROBLEM_KEYS)
    raw_courses = _list(_field(obj, "courses", "input"), "input.courses", MAX_COURSES)
    raw_applicants = _list(_field(obj, "applicants", "input"), "input.applicants", MAX_APPLICANTS)
    courses = tuple(_course(raw, f"courses[{j}]") for j, raw in enumerate(raw_courses))
    by_key = {str(course.id): course.id for course in courses}
    problem = Problem(
        courses=courses,
        applicants=tuple(
            _applicant(raw, f"applicants[{i}]", by_key) for i, raw in enumerate(raw_applicants)
        ),
    )
    check_problem(problem)
    return problem
