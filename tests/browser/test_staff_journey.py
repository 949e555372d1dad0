"""Casework in the browser: an officer registers a person and records a need; a social
worker approves it and publishes it on the fundraising project; its card is listed there."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser
from sqlalchemy import select

from core.db import db
from core.idcard import make_id_number
from core.needs.models import Need
from core.timeutil import local_today
from donations.demo import PROJECT_TITLE
from donations.projects.models import Project
from tests.browser.journey import journey, object_id
from tests.browser.stack import Portal

pytestmark = pytest.mark.browser


def _demo_project_id(portal: Portal) -> str:
    return portal.run(
        lambda: db.session.scalars(select(Project.id).where(Project.title == PROJECT_TITLE)).one()
    )


def test_a_need_goes_from_the_officer_to_the_project_in_the_browser(
    chromium: Browser, portal: Portal
) -> None:
    project_id = _demo_project_id(portal)
    # Born on a day of its own: no demo person shares this ID-card number.
    born = date(1971, 1, 1) + timedelta(days=random.randint(0, 3000))
    id_number = make_id_number("440783", born, random.randint(500, 998))
    with journey(chromium, portal, "staff") as trip:
        officer = trip.sign_in("officer-chikan")
        officer.goto("/persons/new")
        officer.fill("#name", "司徒浩然")
        officer.fill("#id_number", id_number)
        officer.fill("#phone", "13800138000")
        officer.select_option("#kind", "resettlement")
        officer.fill("#release_date", (local_today() - timedelta(days=40)).isoformat())
        officer.select_option("#sex", "male")
        officer.fill("#birth_date", born.isoformat())
        officer.check("#consent_publication")
        trip.shot(officer, "person-form")
        trip.submit(officer, officer.locator("form.grid [type=submit]"))
        trip.flash(officer)
        person_id = object_id(officer, r"/persons/(\d+)$")
        trip.shot(officer, "person-registered")

        officer.locator(f"a[href='/persons/{person_id}/needs/new']").click()
        officer.select_option("#category", "medical")
        officer.fill("#title", "住院押金")
        officer.fill("#amount", "1800")
        officer.fill("#deadline", (local_today() + timedelta(days=60)).isoformat())
        officer.fill("#urgency", "4")
        officer.fill("#hardship", "4")
        officer.fill("#story", "他刚回到家乡，母亲住院需要押金，想先凑齐这笔钱。")
        trip.shot(officer, "need-form")
        trip.submit(officer, officer.locator("form.grid [type=submit]"))
        trip.flash(officer)
        need_id = object_id(officer, r"/needs/(\d+)$")
        trip.submit(officer, officer.locator("form[action$='/submit'] [type=submit]"))
        trip.flash(officer)
        trip.shot(officer, "need-submitted")

        reviewer = trip.sign_in("social-worker")
        reviewer.goto(f"/needs/{need_id}")
        reviewer.fill("form[action$='/review'] textarea", "材料齐全，同意。")
        trip.shot(reviewer, "review")
        trip.submit(reviewer, reviewer.locator("form[action$='/review'] [name=approve]"))
        trip.flash(reviewer)
        reviewer.select_option("#destination", project_id)
        trip.shot(reviewer, "approved")
        trip.submit(reviewer, reviewer.locator("form[action$='/publish'] [type=submit]"))
        trip.flash(reviewer)
        trip.shot(reviewer, "published")

        alias = portal.run(lambda: db.session.get_one(Need, need_id).alias)
        finance = trip.sign_in("finance")
        finance.goto(f"/projects/{project_id}")
        card = finance.locator("tr", has_text=alias)
        trip.shot(finance, "card-on-project")
        assert card.count() == 1, f"the card {alias} is not listed on the project"
