"""A volunteer in the browser, on a phone: registers at /v/, is vetted and approved by
the coordinator, signs up for a shift, and on the day checks in with the shift's code."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import Browser
from sqlalchemy import select

from core.db import db, utcnow
from core.errors import NotFound, PermissionDenied
from core.users import User
from tests.browser.journey import journey, object_id
from tests.browser.stack import PHONE, Portal
from volunteers.programmes.catalogue import ShiftInput, add_shift
from volunteers.programmes.models import Activity, Shift, Signup
from volunteers.programmes.scope import run_activity

pytestmark = pytest.mark.browser


def _shift_in_three_days(portal: Portal) -> tuple[int, str]:
    """A new shift of a demo activity for vetted volunteers that the coordinator runs."""

    def work() -> tuple[int, str]:
        coordinator = db.session.scalars(select(User).where(User.username == "coordinator")).one()
        for activity in db.session.scalars(
            select(Activity).where(Activity.needs_vetting.is_(True)).order_by(Activity.id)
        ):
            try:
                run_activity(coordinator, activity.id)
            except (NotFound, PermissionDenied):  # not one of the coordinator's: the next one
                continue
            starts_at = (utcnow() + timedelta(days=3)).replace(second=0, microsecond=0)
            shift = add_shift(
                coordinator,
                activity.id,
                ShiftInput(starts_at, starts_at + timedelta(hours=2), "三埠街道司法所", 4),
            )
            return shift.id, shift.public_id
        raise AssertionError("the demo has no activity the coordinator runs")

    return portal.run(work)


def _the_day_comes(portal: Portal, shift_id: int) -> None:
    """Three days pass: the shift now starts in half an hour (check-in opens an hour before)."""

    def work() -> None:
        shift = db.session.get_one(Shift, shift_id)
        shift.starts_at = utcnow() + timedelta(minutes=30)
        shift.ends_at = shift.starts_at + timedelta(hours=2)
        db.session.commit()

    portal.run(work)


def test_a_volunteer_registers_is_approved_signs_up_and_checks_in_in_the_browser(
    chromium: Browser, portal: Portal
) -> None:
    shift_id, shift_public_id = _shift_in_three_days(portal)
    username = f"vol-{uuid.uuid4().hex[:8]}"
    password = "green-tea-at-nine"
    with journey(chromium, portal, "volunteer") as trip:
        volunteer = trip.new_page(PHONE)
        volunteer.goto("/v/")
        volunteer.goto("/v/register")
        volunteer.fill("#username", username)
        volunteer.fill("#display_name", "黄志明")
        volunteer.fill("#phone", f"139{uuid.uuid4().int % 10**8:08d}")
        volunteer.fill("#password", password)
        volunteer.fill("#skills", "心理咨询, 粤语")
        volunteer.locator("input[name=towns][value='三埠街道']").check()
        volunteer.check("#conduct_agreed")
        trip.shot(volunteer, "register")
        trip.submit(volunteer, volunteer.locator("form [type=submit]"))
        trip.flash(volunteer)
        assert volunteer.url.endswith("/v/login")
        volunteer.fill("#login", username)
        volunteer.fill("#password", password)
        trip.submit(volunteer, volunteer.locator("form [type=submit]"))
        trip.flash(volunteer)
        trip.shot(volunteer, "awaiting-vetting")

        coordinator = trip.sign_in("coordinator")
        coordinator.goto("/volunteers")
        coordinator.locator("tr", has_text=username).locator("a").first.click()
        volunteer_id = object_id(coordinator, r"/volunteers/(\d+)$")
        for step, note in (
            ("documents", "身份证已核验"),
            ("interview", "面谈通过"),
            ("pledge", ""),
        ):
            form = coordinator.locator("form[action$='/steps']")
            form.locator("#step").select_option(step)
            form.locator("#note").fill(note)
            form.locator("#pledge_version").fill("2025-1" if step == "pledge" else "")
            trip.submit(coordinator, form.locator("[type=submit]"))
            trip.flash(coordinator)
        decision = coordinator.locator("form[action$='/decision']")
        decision.locator("#outcome").select_option("approve")
        decision.locator("#reason").fill("材料齐全，面谈通过。")
        trip.shot(coordinator, "vetting")
        trip.submit(coordinator, decision.locator("[type=submit]"))
        trip.flash(coordinator)
        assert object_id(coordinator, r"/volunteers/(\d+)$") == volunteer_id
        trip.shot(coordinator, "approved")

        volunteer.goto("/v/shifts")
        volunteer.locator(f"a[href='/v/shifts/{shift_public_id}']").click()
        trip.shot(volunteer, "shift")
        trip.submit(volunteer, volunteer.locator("form[action$='/signup'] [type=submit]"))
        trip.flash(volunteer)
        trip.shot(volunteer, "signed-up")
        signup_url = volunteer.url
        assert "/v/signups/" in signup_url

        _the_day_comes(portal, shift_id)
        coordinator.goto(f"/activities/shifts/{shift_id}")
        code = coordinator.locator("#checkin-code").inner_text().strip()
        trip.shot(coordinator, "shift-code")

        volunteer.goto(signup_url)
        volunteer.fill("#code", code)
        trip.shot(volunteer, "check-in")
        trip.submit(volunteer, volunteer.locator("form[action$='/checkin'] [type=submit]"))
        trip.flash(volunteer)
        trip.shot(volunteer, "checked-in")
        assert volunteer.locator("form[action$='/checkout']").count() == 1

    checked_in = portal.run(
        lambda: db.session.scalars(
            select(Signup.checked_in_at).where(Signup.shift_id == shift_id)
        ).one()
    )
    assert checked_in is not None
