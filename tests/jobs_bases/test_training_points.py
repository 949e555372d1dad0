"""The priority points formula (docs/training.md), line by line, and as the allocation
uses it: the applicant's points, and the own-town bonus of each course."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from jobs_bases.training.points import (
    Facts,
    course_bonus,
    full_months,
    priority_points,
)

RUN_DAY = date(2026, 6, 15)


def facts(**overrides: object) -> Facts:
    values: dict[str, object] = {
        "unemployed": False,
        "case_start": date(2020, 1, 1),
        "trained_before": True,
        "applied_on": RUN_DAY,
        "town": "赤坎镇",
    }
    values.update(overrides)
    return Facts(**values)  # type: ignore[arg-type]


def test_nothing_counts_for_an_employed_long_ago_trained_new_applicant():
    points = priority_points(facts(), RUN_DAY)

    assert points.total == 0 and points.parts == ()


def test_every_line_of_the_formula():
    points = priority_points(
        facts(
            unemployed=True,
            case_start=RUN_DAY - timedelta(days=100),
            trained_before=False,
            applied_on=date(2026, 1, 10),
        ),
        RUN_DAY,
    )

    assert points.parts == (
        ("unemployed", 3),
        ("recent_start", 2),
        ("never_trained", 2),
        ("waiting", 3),
    )
    assert points.total == 10


@pytest.mark.parametrize(
    ("applied_on", "waiting"),
    [
        (date(2026, 6, 15), 0),
        (date(2026, 5, 16), 0),  # a day short of a month
        (date(2026, 5, 15), 1),
        (date(2026, 4, 15), 2),
        (date(2026, 3, 15), 3),
        (date(2025, 6, 15), 3),  # capped at 3
    ],
)
def test_one_point_per_full_month_waiting_up_to_three(applied_on, waiting):
    points = priority_points(facts(applied_on=applied_on), RUN_DAY)

    assert dict(points.parts).get("waiting", 0) == waiting


@pytest.mark.parametrize(
    ("start", "counts"),
    [
        (date(2025, 6, 16), True),  # 11 full months ago
        (date(2025, 6, 15), False),  # 12 full months ago
        (RUN_DAY + timedelta(days=1), False),  # not started yet
        (None, False),
    ],
)
def test_released_or_started_within_twelve_months(start, counts):
    points = priority_points(facts(case_start=start), RUN_DAY)

    assert (
        ("recent_start", 2) in points.parts if counts else "recent_start" not in dict(points.parts)
    )


def test_month_ends_count_as_full_months():
    assert full_months(date(2026, 1, 31), date(2026, 2, 28)) == 1
    assert full_months(date(2026, 1, 31), date(2026, 2, 27)) == 0
    assert full_months(date(2026, 3, 1), date(2026, 2, 1)) == 0


def test_a_course_in_the_persons_own_town_gives_two():
    assert course_bonus("赤坎镇", "赤坎镇") == 2
    assert course_bonus("赤坎镇", "三埠街道") == 0
    assert course_bonus("", "") == 0
