"""Programmes, their activities and shifts; sign-ups with a waitlist; check-in and
check-out; hours, their approval, certificates and exports."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    pass
