"""The volunteer's shift pages: refusals in Chinese as flashes, never a 500, and the
home page's sections."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.db import db
from tests.pages import html
from tests.portal import test_web_harness as harness
from tests.volunteers.factories import (
    make_approved_volunteer,
    make_setting,
    make_volunteer,
    volunteer_login,
)
from volunteers.programmes.models import Signup

web = harness.web


def _signups() -> int:
    return db.session.scalar(select(func.count()).select_from(Signup)) or 0


def test_home_shows_vetting_shifts_and_hours(web, ctx):
    make_volunteer(username="newcomer")
    volunteer_login(web, "newcomer")
    page = html(web.get("/v/"))
    for section in ('id="my-vetting"', 'id="my-shifts"', 'id="my-hours"'):
        assert section in page
    assert "待审核" in page and "找活动报名" in page
    # Nothing of the staff portal on a volunteer's page.
    assert "/persons" not in page and "/dashboard" not in page


def test_refusals_are_flashed_in_chinese_and_save_nothing(web, ctx, clock):
    setting = make_setting()
    soon = setting.shift(starts_in=timedelta(hours=20)).public_id
    first = setting.shift(starts_in=timedelta(days=3)).public_id
    clash = setting.shift(starts_in=timedelta(days=3, hours=1)).public_id
    make_approved_volunteer(username="eager")
    volunteer_login(web, "eager")

    closed = web.post(f"/v/shifts/{soon}/signup", follow_redirects=True)
    assert "该班次已截止报名" in html(closed)
    assert _signups() == 0
    assert web.post(f"/v/shifts/{first}/signup").status_code == 302
    overlap = web.post(f"/v/shifts/{clash}/signup", follow_redirects=True)
    assert "您在同一时间已报名了其他班次" in html(overlap)
    again = web.post(f"/v/shifts/{first}/signup", follow_redirects=True)
    assert "查看我的报名" in html(again) or "您已报名该班次" in html(again)
    assert _signups() == 1
    assert web.post("/v/shifts/not-a-shift/signup").status_code == 404
    assert web.get("/v/shifts/not-a-shift").status_code == 404


def test_a_pending_volunteer_is_told_why_they_cannot_sign_up(web, ctx):
    shift = make_setting(needs_vetting=True).shift().public_id
    make_volunteer(username="not-yet")
    volunteer_login(web, "not-yet")
    response = web.post(f"/v/shifts/{shift}/signup", follow_redirects=True)
    assert "只有经审核通过的志愿者才能报名" in html(response)
    assert _signups() == 0


def test_a_full_shift_puts_the_volunteer_on_the_waitlist(web, ctx):
    shift = make_setting().shift(capacity=1).public_id
    make_approved_volunteer(username="first-one")
    make_approved_volunteer(username="second-one")
    volunteer_login(web, "first-one")
    web.post(f"/v/shifts/{shift}/signup")
    other = harness.new_client(web.application)
    volunteer_login(other, "second-one")
    assert "加入候补" in html(other.get(f"/v/shifts/{shift}"))
    response = other.post(f"/v/shifts/{shift}/signup", follow_redirects=True)
    page = html(response)
    assert "该班次已满，您已进入候补名单" in page and "候补第 1 位" in page


def test_cancelling_past_the_cut_off_is_refused_with_the_reason(web, ctx, clock):
    shift = make_setting().shift(starts_in=timedelta(days=2))
    shift_public_id, starts_at = shift.public_id, shift.starts_at
    make_approved_volunteer(username="late-canceller")
    volunteer_login(web, "late-canceller")
    signup_url = web.post(f"/v/shifts/{shift_public_id}/signup").location
    clock.to(starts_at - timedelta(hours=3))
    response = web.post(f"{signup_url}/cancel", follow_redirects=True)
    assert "无法在线取消" in html(response)
    assert "已获名额" in html(web.get(signup_url))


def test_check_in_errors_stay_on_the_page(web, ctx, clock):
    shift = make_setting().shift(starts_in=timedelta(days=2))
    shift_public_id, starts_at = shift.public_id, shift.starts_at
    make_approved_volunteer(username="early-bird")
    volunteer_login(web, "early-bird")
    signup_url = web.post(f"/v/shifts/{shift_public_id}/signup").location
    too_early = web.post(f"{signup_url}/checkin", data={"code": "123456"})
    assert too_early.status_code == 200 and "班次开始前一小时才能签到" in html(too_early)
    empty = web.post(f"{signup_url}/checkin", data={"code": ""})
    assert empty.status_code == 200
    clock.to(starts_at)
    out_first = web.post(f"{signup_url}/checkout", data={"code": "123456"})
    assert "请先签到" in html(out_first)


def test_volunteer_pages_are_made_for_phones(web, ctx):
    for path in ("/v/login", "/v/register", "/v/reset", "/v/conduct"):
        page = html(web.get(path))
        assert 'name="viewport" content="width=device-width, initial-scale=1"' in page, path
        assert "/v/static/volunteer.css" in page and "/static/app.css" not in page, path
    with web.get("/v/static/volunteer.css") as css:
        assert css.status_code == 200
        assert b"max-width: 560px" in css.data and b"font: 17px" in css.data
