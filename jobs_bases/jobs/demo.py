"""Demo employers, openings, referrals and outcomes (filled in with the jobs pages)."""

from __future__ import annotations

from core.users import User


def seed_jobs(admin: User) -> None:
    """Employers with openings, and referrals at each stage."""
