"""Priority points of a training application: the documented formula, as a pure function.

| fact | points |
|---|---|
| unemployed (the person's employment status) | +3 |
| released or started their term in the 12 months before the day of the run | +2 |
| never completed a training course | +2 |
| waiting: each full month since the application, up to 3 | +1 each |
| a course in the person's own town (a bonus of that course only) | +2 |

The first four make the applicant's points; the last is the engine's `course_points`
for the courses in their town. docs/training.md explains each line. No Flask and no
database here: the allocation service gathers the facts and calls these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

UNEMPLOYED = 3
RECENT_START = 2
RECENT_MONTHS = 12
NEVER_TRAINED = 2
PER_MONTH_WAITING = 1
MAX_WAITING = 3
OWN_TOWN_BONUS = 2


@dataclass(frozen=True)
class Facts:
    """What the formula looks at, for one applicant."""

    unemployed: bool
    case_start: date | None  # release date, or the term's start under corrections
    trained_before: bool  # completed an earlier course
    applied_on: date  # Shanghai business day of the application
    town: str


@dataclass(frozen=True)
class Points:
    total: int
    parts: tuple[tuple[str, int], ...]  # (code, points) of each line that counted

    def as_json(self) -> dict[str, object]:
        return {"total": self.total, "parts": [list(part) for part in self.parts]}


def full_months(start: date, end: date) -> int:
    """Whole calendar months from `start` to `end` (0 if end is before start).

    A month is full on the same day of the next month, or on its last day when the
    next month is shorter: 31 January to 28 February is one month.
    """
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day and not _last_day_of_month(end):
        months -= 1
    return max(months, 0)


def _last_day_of_month(day: date) -> bool:
    return day.month != date.fromordinal(day.toordinal() + 1).month


def priority_points(facts: Facts, today: date) -> Points:
    """The applicant's points on `today` (the day of the allocation run)."""
    parts: list[tuple[str, int]] = []
    if facts.unemployed:
        parts.append(("unemployed", UNEMPLOYED))
    if facts.case_start is not None and facts.case_start <= today:
        if full_months(facts.case_start, today) < RECENT_MONTHS:
            parts.append(("recent_start", RECENT_START))
    if not facts.trained_before:
        parts.append(("never_trained", NEVER_TRAINED))
    waiting = min(full_months(facts.applied_on, today) * PER_MONTH_WAITING, MAX_WAITING)
    if waiting:
        parts.append(("waiting", waiting))
    return Points(sum(points for _code, points in parts), tuple(parts))


def course_bonus(person_town: str, course_town: str) -> int:
    """The bonus one course gives this applicant: a course in their own town."""
    return OWN_TOWN_BONUS if person_town and person_town == course_town else 0
