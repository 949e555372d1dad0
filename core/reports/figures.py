"""A report figure and the date range it covers. Pure data: no database, no Flask.

A figure is what one chart draws and its table shows, from the same numbers: labels
(the x axis, the table's first column), series of integer values in one unit (what the
chart draws), and columns only the table shows (counts beside amounts). Money stays
integer fen, durations integer tenths of a day, shares integer tenths of a percent: no
float is ever stored, and `format_value` writes each for people to read.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from core.errors import ValidationFailed
from core.money import format_fen
from core.params import parse_date
from core.timeutil import SHANGHAI

# A longer range would draw thousands of daily bars nobody can read.
MAX_RANGE_DAYS = 3 * 366
DEFAULT_MONTHS = 12


class Unit(enum.StrEnum):
    FEN = "fen"  # money: ¥1,234.50
    COUNT = "count"  # people, needs: 1,234
    TENTH_DAYS = "tenth_days"  # durations: 12.5 (days)
    TENTH_HOURS = "tenth_hours"  # hours worked: 12.5 (hours)
    PERMILLE = "permille"  # shares: 66.7%


class ChartKind(enum.StrEnum):
    BAR = "bar"
    LINE = "line"


def format_value(value: int | None, unit: Unit) -> str:
    """How a value reads in a table and on a chart; None (no data) is a dash."""
    if value is None:
        return "—"
    if unit is Unit.FEN:
        return format_fen(value)
    if unit in (Unit.TENTH_DAYS, Unit.TENTH_HOURS, Unit.PERMILLE):
        sign = "-" if value < 0 else ""
        whole, tenth = divmod(abs(value), 10)
        text = f"{sign}{whole:,}.{tenth}"
        return f"{text}%" if unit is Unit.PERMILLE else text
    return f"{value:,}"


@dataclass(frozen=True)
class Series:
    """One line or one set of bars: a value per label (None where there is nothing)."""

    name: str
    values: tuple[int | None, ...]


@dataclass(frozen=True)
class Column:
    """A column only the table shows, with its own unit."""

    name: str
    unit: Unit
    values: tuple[int | None, ...]


@dataclass(frozen=True)
class Figure:
    """One chart and its table, from the same numbers."""

    label_header: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    unit: Unit
    kind: ChartKind = ChartKind.BAR
    columns: tuple[Column, ...] = ()
    # Sentences under the table: what was merged or hidden, how a figure is counted.
    notes: tuple[str, ...] = ()
    # The whole table is hidden (too few people behind it).
    suppressed: bool = False
    totals: tuple[int | None, ...] | None = field(default=None)

    def __post_init__(self) -> None:
        rows: tuple[Series | Column, ...] = (*self.series, *self.columns)
        for row in rows:
            if len(row.values) != len(self.labels):
                raise ValueError(f"{row.name}: one value per label")

    @property
    def headers(self) -> list[str]:
        return [
            self.label_header,
            *(s.name for s in self.series),
            *(c.name for c in self.columns),
        ]

    @property
    def rows(self) -> list[list[str]]:
        """The table as people read it, one row per label."""
        return [
            [
                label,
                *(format_value(s.values[i], self.unit) for s in self.series),
                *(format_value(c.values[i], c.unit) for c in self.columns),
            ]
            for i, label in enumerate(self.labels)
        ]

    @property
    def total_row(self) -> list[str] | None:
        if self.totals is None:
            return None
        units = [self.unit] * len(self.series) + [c.unit for c in self.columns]
        return [format_value(v, u) for v, u in zip(self.totals, units, strict=True)]


def empty_figure(label_header: str, unit: Unit, names: Sequence[str], note: str) -> Figure:
    """A figure with nothing to show, and why (the table is hidden, say)."""
    return Figure(
        label_header,
        (),
        tuple(Series(name, ()) for name in names),
        unit,
        notes=(note,),
        suppressed=True,
    )


# -- the date range ------------------------------------------------------------------------


@dataclass(frozen=True)
class DateRange:
    """Business days (Asia/Shanghai), both ends included."""

    start: date
    end: date

    @property
    def start_utc(self) -> datetime:
        return datetime.combine(self.start, time(), tzinfo=SHANGHAI).astimezone(UTC)

    @property
    def end_utc(self) -> datetime:
        """The first moment after the range."""
        following = self.end + timedelta(days=1)
        return datetime.combine(following, time(), tzinfo=SHANGHAI).astimezone(UTC)

    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    def months(self) -> list[str]:
        """Every month the range touches, as YYYY-MM."""
        found: list[str] = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            found.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found

    @property
    def query(self) -> dict[str, str]:
        """The range as URL arguments."""
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def default_range(today: date) -> DateRange:
    """The twelve months up to today: from the first day of the month eleven months back."""
    year, month = today.year, today.month - (DEFAULT_MONTHS - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return DateRange(date(year, month, 1), today)


def parse_range(raw_from: str, raw_to: str, today: date) -> DateRange:
    """The range a user asked for; missing ends take the default's. ValidationFailed with a
    sentence for people (translated where shown) on a bad date or range."""
    default = default_range(today)
    start = _day(raw_from, "from") if raw_from.strip() else default.start
    end = _day(raw_to, "to") if raw_to.strip() else max(default.end, start)
    if start > end:
        raise ValidationFailed("The start date is after the end date.", field="from")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise ValidationFailed("A report covers at most three years: choose a shorter range.")
    return DateRange(start, end)


def _day(raw: str, field_name: str) -> date:
    day = parse_date(raw.strip())
    if day is None:
        raise ValidationFailed(
            "Write dates as YYYY-MM-DD, for example 2026-11-01.", field=field_name
        )
    return day


_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


def parse_month(raw: str) -> DateRange:
    """A calendar month written YYYY-MM, as the range of its days."""
    match = _MONTH.fullmatch(raw.strip())
    month = int(match.group(2)) if match else 0
    if match is None or not 1 <= month <= 12 or parse_date(f"{match.group(1)}-01-01") is None:
        raise ValidationFailed("Write the month as YYYY-MM, for example 2026-11.", field="month")
    year = int(match.group(1))
    first = date(year, month, 1)
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return DateRange(first, following - timedelta(days=1))


def local_day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def local_month(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m")


def permille(part: int, whole: int) -> int | None:
    """part / whole in tenths of a percent, rounded half up; None when whole is 0."""
    if whole <= 0:
        return None
    return (part * 1000 * 2 + whole) // (whole * 2)


def percentile_tenths(sorted_tenths: Sequence[int], share: int) -> int | None:
    """The nearest-rank percentile (`share` of 100) of sorted integer values."""
    if not sorted_tenths:
        return None
    rank = max(1, -(-share * len(sorted_tenths) // 100))
    return sorted_tenths[rank - 1]


def tenths_of_hours(minutes: int) -> int:
    """Minutes as tenths of an hour, rounded half up (90 -> 15, that is 1.5 hours)."""
    return (minutes + 3) // 6


def median_tenths(sorted_tenths: Sequence[int]) -> int | None:
    """The median; of an even count, the mean of the middle two rounded half up."""
    n = len(sorted_tenths)
    if n == 0:
        return None
    if n % 2:
        return sorted_tenths[n // 2]
    return (sorted_tenths[n // 2 - 1] + sorted_tenths[n // 2] + 1) // 2
