"""At phone width (390 px) no page is wider than the screen: every page of each role's
navigation, and the wide pages (tables of money, the audit log) with data in them. The
navigation folds behind a menu button there, and is laid out in full at desk width."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import select

from core.db import db
from core.people.models import Person
from core.users import User
from donations.demo import PROJECT_TITLE
from donations.projects.models import Project
from donations.proposals.services import run_proposal
from tests.browser.journey import Journey, journey
from tests.browser.stack import DESK, PHONE, Portal
from tests.donations.factories import give

pytestmark = pytest.mark.browser

ROLES = (
    "admin",
    "auditor",
    "finance",
    "coordinator",
    "social-worker",
    "officer-sanbu",
    "trainer",
    "base-contact",
)


@pytest.fixture(scope="module")
def wide_pages(portal: Portal) -> list[str]:
    """The pages known to grow wide, with something in them: a gift, a proposal, a person."""

    def work() -> list[str]:
        project_id = db.session.scalars(
            select(Project.id).where(Project.title == PROJECT_TITLE)
        ).one()
        donation_id = give(project_id, 300_000)
        social_worker = db.session.scalars(
            select(User).where(User.username == "social-worker")
        ).one()
        proposal_id = run_proposal(social_worker, project_id).id
        person_id = db.session.scalars(select(Person.id).order_by(Person.id)).first()
        return [
            "/audit",
            "/disbursements",
            "/finance/trial-balance",
            "/pools",
            "/projects",
            f"/projects/{project_id}",
            "/needs",
            f"/allocations/{proposal_id}",
            f"/donations/{donation_id}",
            f"/persons/{person_id}",
            "/donations",
            "/reports",
        ]

    return portal.run(work)


@pytest.fixture()
def trip(chromium: Browser, portal: Portal) -> Iterator[Journey]:
    with journey(chromium, portal, "widths") as trip:
        yield trip


def _too_wide(page: Page, paths: list[str], width: int) -> list[str]:
    wide = []
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            wide.append(f"{path} is {scroll_width} px wide")
    return wide


def _nav(page: Page) -> list[str]:
    paths: list[str] = page.eval_on_selector_all(
        "header nav a", "links => links.map(a => a.pathname)"
    )
    return paths


def test_no_page_of_any_role_is_wider_than_a_phone(trip: Journey, wide_pages: list[str]) -> None:
    wide = []
    for username in ROLES:
        page = trip.sign_in(username, PHONE)
        wide += [f"{username}: {w}" for w in _too_wide(page, ["/", *_nav(page)], PHONE["width"])]
        page.context.close()
    admin = trip.sign_in("admin", PHONE)
    wide += _too_wide(admin, wide_pages, PHONE["width"])
    trip.shot(admin, "phone-person")
    assert wide == []


def test_at_desk_width_no_page_scrolls_sideways(trip: Journey, wide_pages: list[str]) -> None:
    admin = trip.sign_in("admin", DESK)
    assert _too_wide(admin, ["/", *_nav(admin), *wide_pages], DESK["width"]) == []


def test_the_navigation_folds_behind_a_menu_at_phone_width(trip: Journey) -> None:
    phone = trip.sign_in("officer-sanbu", PHONE)
    menu = phone.locator("header details.menu > summary")
    first_link = phone.locator("header nav a").first
    assert menu.is_visible() and not first_link.is_visible()
    trip.shot(phone, "menu-closed")
    menu.click()
    assert first_link.is_visible()
    trip.shot(phone, "menu-open")
    first_link.click()
    phone.wait_for_load_state()
    assert phone.url.endswith("/persons")
    # On the new page the menu starts closed again.
    assert not phone.locator("header nav a").first.is_visible()

    desk = trip.sign_in("officer-sanbu", DESK)
    assert not desk.locator("header details.menu > summary").is_visible()
    assert desk.locator("header nav a").first.is_visible()
