"""The name volunteers know a mentee by: "学员" and four random characters (学员K7Q2).

One per person, made with their mentoring profile and never changed, so a mentor who
is paired again with the same person sees the same alias. It is random (not derived
from the person's id) and unrelated to any need card's alias, so the two cannot be
linked. The alias names; it opens nothing: volunteer pages are reached through the
pair's own unguessable id.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select

from core.db import db
from volunteers.mentoring.models import MentoringProfile

PREFIX = "学员"
# No 0/O, 1/I/L: read aloud or copied by hand, an alias must not be misread.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 4
_ATTEMPTS = 20


def _candidate(length: int) -> str:
    return PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(length))


def _taken(alias: str) -> bool:
    found = db.session.scalar(select(MentoringProfile.id).where(MentoringProfile.alias == alias))
    return found is not None


def new_alias() -> str:
    """An alias no profile holds yet (the unique constraint is the backstop); a longer
    one in the unlikely case four characters keep colliding."""
    for attempt in range(_ATTEMPTS):
        alias = _candidate(LENGTH if attempt < _ATTEMPTS // 2 else LENGTH + 2)
        if not _taken(alias):
            return alias
    return _candidate(LENGTH + 4)
