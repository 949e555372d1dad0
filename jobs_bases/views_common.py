"""What the wing's staff pages share: who reads them, and small parsers of their input."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from wtforms import SelectChoice

from core.users import Role

# Casework staff read bases, placements and referrals (within their scope); a base
# contact reads their own base. Finance, coordinators and training partners never.
STAFF_READERS = (Role.ADMIN, Role.AUDITOR, Role.OFFICER, Role.SOCIAL_WORKER)
BASE_READERS = (*STAFF_READERS, Role.BASE_CONTACT)
STAFF_WRITERS = (Role.ADMIN, Role.OFFICER, Role.SOCIAL_WORKER)


def choice(value: str | None, allowed: Collection[str]) -> str | None:
    """A filter's value if it is one of `allowed`, else no filter."""
    return value if value and value in allowed else None


def split_list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").replace("，", ",").split(",") if part.strip()]


def options(pairs: Iterable[tuple[Any, object]]) -> list[SelectChoice]:
    """Select options; WTForms 3.3 deprecates bare (value, label) tuples."""
    return [SelectChoice(value, label) for value, label in pairs]
