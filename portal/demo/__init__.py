"""The Kaiping demo: invented people, real structure (the county's 15 towns). Development only."""

from portal.demo.seed import seed_demo

__all__ = ["seed_demo"]
