"""The mini-program JSON API, `/api/mp/v1` (docs/api.md)."""

from donations.api.routes import bp

__all__ = ["bp"]
