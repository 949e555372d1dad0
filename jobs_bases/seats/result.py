"""The engine's answer, and its JSON form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from jobs_bases.seats.problem import Id, Number

TieBreak = Literal["applied_at", "id"]

# reason_code values.
FIRST_CHOICE = "first_choice"  # admitted to the first preference
LATER_CHOICE = "later_choice"  # admitted, but every better preference was full
ALL_CHOICES_FULL = "all_choices_full"  # listed courses, none had a seat for them
NO_PREFERENCES = "no_preferences"  # listed no course


@dataclass(frozen=True, slots=True)
class PassedOver:
    """A course the applicant preferred to the one they got, and why it did not admit them."""

    course_id: Id
    choice: int  # its place in the applicant's preferences, 1 = first
    seats: int
    cutoff: Number | None  # the lowest score it admitted; None when it has no seats
    score: Number  # the applicant's score there: points + bonus
    bonus: Number  # that course's bonus for the applicant (0 if none)
    # Set when the applicant's score equals the cut-off and the tie was lost on
    # application time ("applied_at") or, at the same instant, on id ("id").
    tie_break: TieBreak | None
    waitlist_position: int  # 1 = first on that course's waitlist


@dataclass(frozen=True, slots=True)
class Assignment:
    applicant_id: Id
    course_id: Id | None  # None: no seat
    choice: int | None  # the place of course_id in the preferences, 1 = first
    reason_code: str
    reason: str  # Chinese, to read to the person
    reason_en: str  # the same facts in English
    passed_over: tuple[PassedOver, ...]  # the better preferences, best first


@dataclass(frozen=True, slots=True)
class CourseOutcome:
    course_id: Id
    seats: int
    admitted: int
    cutoff: Number | None  # the lowest admitted score when every seat is taken, else None


@dataclass(frozen=True, slots=True)
class Result:
    assignments: tuple[Assignment, ...]  # one per applicant, in input order
    waitlists: Mapping[Id, tuple[Id, ...]]  # every course, in input order
    courses: tuple[CourseOutcome, ...]  # every course, in input order

    def to_json(self) -> dict[str, Any]:
        """The command's output (waitlists are keyed by the course id as a string)."""
        return {
            "assignments": [_assignment_json(a) for a in self.assignments],
            "waitlists": {str(course_id): list(ids) for course_id, ids in self.waitlists.items()},
            "courses": [
                {
                    "course_id": c.course_id,
                    "seats": c.seats,
                    "admitted": c.admitted,
                    "cutoff": json_number(c.cutoff),
                }
                for c in self.courses
            ],
        }


def json_number(value: Number | None) -> int | float | None:
    """Decimals leave as JSON numbers: integral ones as integers."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _assignment_json(assignment: Assignment) -> dict[str, Any]:
    return {
        "applicant_id": assignment.applicant_id,
        "course_id": assignment.course_id,
        "choice": assignment.choice,
        "reason_code": assignment.reason_code,
        "reason": assignment.reason,
        "reason_en": assignment.reason_en,
        "passed_over": [
            {
                "course_id": p.course_id,
                "choice": p.choice,
                "seats": p.seats,
                "cutoff": json_number(p.cutoff),
                "score": json_number(p.score),
                "bonus": json_number(p.bonus),
                "tie_break": p.tie_break,
                "waitlist_position": p.waitlist_position,
            }
            for p in assignment.passed_over
        ],
    }
