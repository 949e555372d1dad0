"""Masking, age bands and minors. The story check lives in `core.pii`."""

from __future__ import annotations

from datetime import date

ADULT_AGE = 18


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def is_minor_case(birth: date, case_start: date | None) -> bool:
    """Under 18 when the case began means a minor for good (docs/privacy.md)."""
    if case_start is None:
        return False
    return age_on(birth, case_start) < ADULT_AGE


def age_band(birth: date, today: date) -> str:
    age = age_on(birth, today)
    if age < 18:
        return "<18"
    if age >= 70:
        return "70+"
    low = max(18, age // 10 * 10)
    high = age // 10 * 10 + 9
    return f"{low}-{high}"


def mask_name(name: str | None) -> str:
    if not name:
        return ""
    name = name.strip()
    if len(name) == 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    digits = value.strip()
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_address(value: str | None) -> str:
    if not value:
        return ""
    keep = min(6, max(1, len(value) // 3))
    return value[:keep] + "****"


# The identity fields of a person (encrypted at rest) and how each is shown masked.
IDENTITY_MASKS = {
    "name": mask_name,
    "id_number": mask_id_number,
    "phone": mask_phone,
    "address": mask_address,
}
