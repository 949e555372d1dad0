"""The mini-program JSON API, `/api/mp/v1` (DESIGN.md 4)."""

from donations.api.routes import bp

__all__ = ["bp"]
