"""Jobs: employers and their openings, referrals of people to openings with consent,
outcomes (hired, not hired, left) and retention follow-ups at 3 and 6 months."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Blueprints, jobs and lifecycle handlers of the jobs domain (added with its pages)."""
