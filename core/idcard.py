"""Resident ID numbers (GB 11643-1999): 17 digits and an ISO 7064 MOD 11-2 check character."""

from __future__ import annotations

import re
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


def normalise_id_number(value: str) -> str:
    return value.strip().upper().replace(" ", "")


def check_character(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def is_valid_id_number(value: str) -> bool:
    value = normalise_id_number(value)
    if not _SHAPE.match(value):
        return False
    if check_character(value[:17]) != value[17]:
        return False
    return birth_date_from_id(value) is not None


def birth_date_from_id(value: str) -> date | None:
    try:
        return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def make_id_number(region: str, born: date, sequence: int) -> str:
    """Build a valid number; for demo data and tests only (region is 6 digits)."""
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)
