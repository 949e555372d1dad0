"""Masking, age bands, minors, and the detection of identifying text in public stories."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

ADULT_AGE = 18


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def is_minor_case(birth: date, case_start: date | None) -> bool:
    """Under 18 when the case began means a minor for good (DESIGN.md 8)."""
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


# Separators people type inside numbers: spaces (also full-width), dashes of every
# kind, dots and brackets. NFKC has already folded full-width digits to ASCII.
_SEPARATORS_BETWEEN_DIGITS = re.compile(r"(?<=\d)[\s\-‐‑‒–—―_.·()（）/]+(?=\d)")
_ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)|(?<!\d)\d{15}(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86)?1[3-9]\d{9}(?!\d)")
_LONG_DIGITS = re.compile(r"(?<!\d)\d{7,}(?!\d)")


@dataclass(frozen=True)
class PiiFinding:
    kind: str  # "id_number" | "phone" | "name"
    excerpt: str


def _digits_joined(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text)
    return _SEPARATORS_BETWEEN_DIGITS.sub("", folded)


def find_pii(text: str, names: list[str] | None = None) -> list[PiiFinding]:
    """Identifying content in a text meant for the public.

    Any run of seven or more digits counts as a phone number: landlines are 7-8
    digits with optional area codes, and a public story has no reason to carry a
    number that long, so privacy wins over the rare false alarm.
    """
    findings: list[PiiFinding] = []
    joined = _digits_joined(text)
    for match in _ID_NUMBER.finditer(joined):
        findings.append(PiiFinding("id_number", match.group()))
    id_spans = [m.span() for m in _ID_NUMBER.finditer(joined)]
    for pattern in (_MOBILE, _LONG_DIGITS):
        for match in pattern.finditer(joined):
            if any(s <= match.start() < e for s, e in id_spans):
                continue
            if not any(f.kind == "phone" and f.excerpt == match.group() for f in findings):
                findings.append(PiiFinding("phone", match.group()))
    folded = unicodedata.normalize("NFKC", text).replace(" ", "").replace("\u3000", "")
    for name in names or []:
        name = unicodedata.normalize("NFKC", name).replace(" ", "").strip()
        if len(name) >= 2 and name in folded:
            findings.append(PiiFinding("name", name))
            continue
        # A two-character given name on its own still identifies (张三明 -> 三明).
        given = name[1:]
        if len(given) >= 2 and given in folded:
            findings.append(PiiFinding("name", given))
    return findings
