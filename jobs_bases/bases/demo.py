"""Demo bases, placements and hours (filled in with the bases pages)."""

from __future__ import annotations

from core.users import User


def seed_bases(admin: User) -> None:
    """22 bases across the 15 towns, placements, and a few months of hours."""
