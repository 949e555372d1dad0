"""Report figures (core/reports/figures.py): dates asked for, values written for people,
medians and percentiles in whole units; and the chart drawn from a figure."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import ValidationFailed
from core.reports.charts import render_svg
from core.reports.figures import (
    MAX_RANGE_DAYS,
    DateRange,
    Figure,
    Series,
    Unit,
    default_range,
    format_value,
    median_tenths,
    parse_month,
    parse_range,
    percentile_tenths,
    permille,
)
from tests.reports_support import drawn_values, outside_addresses

TODAY = date(2026, 11, 15)


def test_the_default_range_is_the_twelve_months_up_to_today():
    assert default_range(TODAY) == DateRange(date(2025, 12, 1), TODAY)
    assert default_range(date(2026, 3, 2)).start == date(2025, 4, 1)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2026-01-01", "2026-01-31", DateRange(date(2026, 1, 1), date(2026, 1, 31))),
        ("", "", DateRange(date(2025, 12, 1), TODAY)),
        ("2026-11-01", "", DateRange(date(2026, 11, 1), TODAY)),
        ("2027-02-01", "", DateRange(date(2027, 2, 1), date(2027, 2, 1))),
        (" 2026-05-01 ", "2026-05-01", DateRange(date(2026, 5, 1), date(2026, 5, 1))),
    ],
)
def test_a_range_is_read_as_asked(start, end, expected):
    assert parse_range(start, end, TODAY) == expected


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("2026-13-01", "", "from"),
        ("", "2026-02-30", "to"),
        ("yesterday", "", "from"),
        ("0000-01-01", "", "from"),
        ("2026-05-02", "2026-05-01", "from"),
        ("2020-01-01", "2026-01-01", None),
    ],
)
def test_a_bad_range_says_what_is_wrong(start, end, field):
    with pytest.raises(ValidationFailed) as refused:
        parse_range(start, end, TODAY)

    assert getattr(refused.value, "field", None) == field


def test_the_longest_range_is_allowed_and_one_day_more_is_not():
    start = date(2020, 1, 1)
    end = date.fromordinal(start.toordinal() + MAX_RANGE_DAYS - 1)

    assert parse_range(start.isoformat(), end.isoformat(), TODAY).end == end
    with pytest.raises(ValidationFailed):
        parse_range(start.isoformat(), date.fromordinal(end.toordinal() + 1).isoformat(), TODAY)


def test_months_of_a_range_cross_the_year():
    assert DateRange(date(2025, 11, 30), date(2026, 2, 1)).months() == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]


@pytest.mark.parametrize("raw", ["2026-00", "2026-13", "26-11", "2026-1", "abc", ""])
def test_a_bad_month_is_refused(raw):
    with pytest.raises(ValidationFailed):
        parse_month(raw)


def test_a_month_is_its_days():
    assert parse_month("2026-02") == DateRange(date(2026, 2, 1), date(2026, 2, 28))
    assert parse_month("2026-12").end == date(2026, 12, 31)


def test_values_read_as_people_write_them():
    assert format_value(123_450, Unit.FEN) == "¥1,234.50"
    assert format_value(1_234_567, Unit.COUNT) == "1,234,567"
    assert format_value(125, Unit.TENTH_DAYS) == "12.5"
    assert format_value(667, Unit.PERMILLE) == "66.7%"
    assert format_value(None, Unit.FEN) == "—"


def test_shares_round_half_up_in_whole_tenths():
    assert permille(2, 3) == 667
    assert permille(1, 8) == 125  # 12.5%
    assert permille(0, 0) is None


@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=50))
def test_median_and_percentiles_lie_within_the_values(values):
    ordered = sorted(values)

    median = median_tenths(ordered)
    p90 = percentile_tenths(ordered, 90)

    assert median is not None and p90 is not None
    assert ordered[0] <= median <= ordered[-1]
    assert p90 in ordered and p90 >= ordered[(len(ordered) - 1) // 2]


def test_median_of_an_even_count_is_the_middle_twos_mean():
    assert median_tenths([10, 20, 31, 41]) == 26  # 25.5 rounded half up
    assert percentile_tenths([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 90) == 90
    assert median_tenths([]) is None


def test_a_figure_needs_one_value_per_label():
    with pytest.raises(ValueError):
        Figure("d", ("a", "b"), (Series("s", (1,)),), Unit.COUNT)


def test_a_chart_draws_each_value_as_its_table_writes_it():
    figure = Figure(
        "镇街",
        ("赤坎镇", "三埠街道", "<b>&"),
        (Series("收到", (123_450, 0, None)), Series("退款", (5, 6, 7))),
        Unit.FEN,
    )

    svg = render_svg(figure, "标题", "没有数据")

    assert drawn_values(svg) == {
        0: {"赤坎镇": "¥1,234.50", "三埠街道": "¥0.00"},
        1: {"赤坎镇": "¥0.05", "三埠街道": "¥0.06", "<b>&": "¥0.07"},
    }
    assert b"<script" not in svg and b"<!--" not in svg
    assert outside_addresses(svg.decode(), svg=True) == []
