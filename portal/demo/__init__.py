"""The Kaiping demo: invented people, real structure (DESIGN.md 1). Development only."""

from portal.demo.seed import seed_demo

__all__ = ["seed_demo"]
