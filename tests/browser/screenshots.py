"""`make screenshots`: the README's pictures, taken from the demo in a scratch database.

docs/screenshots/dashboard.png is the social worker's dashboard at desk width;
docs/screenshots/phone.png is the list of needs on a phone, its menu closed.
"""

from __future__ import annotations

from pathlib import Path

from argon2 import PasswordHasher

import core.users
from tests.browser.journey import TIMEOUT_MS
from tests.browser.stack import DESK, PASSWORD, PHONE, running_chromium, running_portal

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def take(name: str, username: str, path: str, viewport: dict[str, int], url: str) -> Path:
    with running_chromium() as (_playwright, browser):
        context = browser.new_context(viewport=viewport, locale="zh-CN", base_url=url)  # type: ignore[arg-type]
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.goto("/login")
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.click("form [type=submit]")
        page.goto(path)
        target = OUT / f"{name}.png"
        page.screenshot(path=str(target))
        context.close()
    return target


def main() -> None:
    # The demo's 25 accounts hash their passwords: cheap parameters, as in the tests.
    core.users._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    OUT.mkdir(parents=True, exist_ok=True)
    with running_portal("screenshots") as portal:
        for shot in (
            take("dashboard", "social-worker", "/", DESK, portal.url),
            take("phone", "social-worker", "/needs", PHONE, portal.url),
        ):
            print(f"saved {shot.relative_to(OUT.parents[1])}")


if __name__ == "__main__":
    main()
