"""A Stripe-compatible payment provider stand-in; see README.md in this folder."""

from .app import create_app

__all__ = ["create_app"]
