"""Fixtures of the volunteers wing's tests: a clock that travels, and messages caught."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from flask import Flask

from core.db import utcnow
from tests.volunteers.surface import watch_volunteer_surface
from volunteers.accounts.messages import MemoryDelivery

# Everything volunteers are shown, from here on, is scanned at the end of a whole run.
watch_volunteer_surface()

# Every module of the wing that reads the time through `utcnow`.
TIMED = (
    "volunteers.accounts.sessions",
    "volunteers.accounts.reset",
    "volunteers.programmes.catalogue",
    "volunteers.programmes.signups",
    "volunteers.programmes.attendance",
    "volunteers.programmes.hours",
    "volunteers.programmes.queries",
    "volunteers.programmes.reminders",
)


class Clock:
    """The wing's `utcnow`, moved by the test: `clock.travel(hours=25)`."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return utcnow() + self.offset

    def travel(self, **delta: float) -> None:
        self.offset += timedelta(**delta)

    def to(self, moment: datetime) -> None:
        self.offset = moment - utcnow()


@pytest.fixture()
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    found = Clock()
    for name in TIMED:
        module = sys.modules[name]
        monkeypatch.setattr(module, "utcnow", found.now)
    yield found


@pytest.fixture()
def delivery(app: Flask, monkeypatch: pytest.MonkeyPatch) -> MemoryDelivery:
    memory = MemoryDelivery()
    monkeypatch.setitem(app.extensions, "volunteer_delivery", memory)
    return memory
