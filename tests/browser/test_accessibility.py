"""axe-core, run inside Chromium on the main pages at desk and phone width: no serious
or critical violation (missing labels, too little contrast, a table that scrolls but
cannot be reached with the keyboard, ...)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page
from sqlalchemy import select

from core.db import db
from core.needs.models import Need
from tests.browser.journey import Journey, journey
from tests.browser.stack import DESK, PHONE, Portal

pytestmark = pytest.mark.browser

PAGES = {
    "social-worker": ["/", "/needs", "/needs/{need}"],
    "finance": ["/projects", "/disbursements", "/finance/reconciliation"],
    "admin": ["/audit", "/volunteers", "/courses"],
}
PUBLIC = ["/login", "/v/register"]
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.fixture()
def trip(chromium: Browser, portal: Portal) -> Iterator[Journey]:
    with journey(chromium, portal, "accessibility") as trip:
        yield trip


def _violations(axe: Axe, page: Page, paths: list[str]) -> list[str]:
    found = []
    for path in paths:
        page.goto(path)
        for violation in axe.run(page).response["violations"]:
            if violation["impact"] in BLOCKING:
                targets = [node["target"] for node in violation["nodes"][:3]]
                found.append(f"{path}: {violation['id']} ({violation['impact']}) at {targets}")
    return found


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["desk", "phone"])
def test_the_main_pages_have_no_serious_accessibility_violation(
    trip: Journey, portal: Portal, axe: Axe, viewport: dict[str, int]
) -> None:
    need_id = portal.run(lambda: db.session.scalars(select(Need.id).order_by(Need.id)).first())
    found = _violations(axe, trip.new_page(viewport), PUBLIC)
    for username, paths in PAGES.items():
        page = trip.sign_in(username, viewport)
        found += _violations(axe, page, [path.format(need=need_id) for path in paths])
        page.context.close()
    assert found == []
