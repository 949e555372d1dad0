"""The jobs and bases wing's tests share the portal page client (`web`)."""

from tests.portal.test_web_harness import web

__all__ = ["web"]
