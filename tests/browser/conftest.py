"""One live portal (the demo seeded into a scratch database) and one Chromium for every
browser test of the run; each test opens browser contexts of its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from tests.browser.stack import Portal, running_chromium, running_portal


@pytest.fixture(scope="session")
def portal(_cheap_password_hashing: None) -> Iterator[Portal]:
    with running_portal("browser") as live:
        yield live


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    with running_chromium() as (_playwright, browser):
        yield browser
