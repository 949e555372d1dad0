"""A journey through the portal in Chromium: people sign in, in browser contexts of their
own, fill forms and press buttons; each step leaves a screenshot in
test-artifacts/<journey>/NN-step.png, so a failure can be seen, not only read."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page

from tests.browser.stack import DESK, PASSWORD, Portal

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Long enough for a slow page on a loaded machine, short enough to fail fast.
TIMEOUT_MS = 15_000


def artefact_dir(name: str) -> Path:
    """test-artifacts/<name>/, emptied: what it holds is the last run's."""
    folder = ARTIFACTS / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


class Journey:
    def __init__(self, browser: Browser, portal: Portal, name: str) -> None:
        self.browser = browser
        self.portal = portal
        self.folder = artefact_dir(name)
        self.steps = 0
        self.contexts: list[BrowserContext] = []

    def close(self) -> None:
        for context in self.contexts:
            context.close()

    def new_page(self, viewport: dict[str, int] | None = None) -> Page:
        context = self.browser.new_context(
            viewport=viewport or DESK,  # type: ignore[arg-type]
            locale="zh-CN",
            base_url=self.portal.url,
        )
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        return context.new_page()

    def sign_in(self, username: str, viewport: dict[str, int] | None = None) -> Page:
        """A staff member of the demo, signed in through the login form, on the dashboard."""
        page = self.new_page(viewport)
        page.goto("/login")
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        self.shot(page, f"login-{username}")
        self.submit(page, page.locator("form [type=submit]"))
        assert not page.url.endswith("/login"), f"{username} could not sign in"
        return page

    def shot(self, page: Page, step: str) -> None:
        self.steps += 1
        page.screenshot(path=str(self.folder / f"{self.steps:02d}-{step}.png"))

    def submit(self, page: Page, button: Any) -> None:
        """Press a form's button and wait for the page the server answers with."""
        with page.expect_navigation():
            button.click()
        page.wait_for_load_state()

    def flash(self, page: Page) -> str:
        """The page's messages; a red one (an error) fails the journey."""
        errors = page.locator(".flash.error")
        if errors.count():
            raise AssertionError(f"{page.url}: {errors.all_inner_texts()}")
        return " ".join(page.locator(".flash").all_inner_texts())


@contextmanager
def journey(browser: Browser, portal: Portal, name: str) -> Iterator[Journey]:
    trip = Journey(browser, portal, name)
    try:
        yield trip
    finally:
        trip.close()


def object_id(page: Page, pattern: str) -> int:
    """The id in the page's address, e.g. r"/persons/(\\d+)"."""
    found = re.search(pattern, page.url)
    assert found, f"{page.url} does not match {pattern}"
    return int(found.group(1))
