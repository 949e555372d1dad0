"""The staff portal shell and composition root. `flask --app portal` finds create_app here."""

from portal.app import create_app

__all__ = ["create_app"]
