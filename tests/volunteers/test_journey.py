"""The pages as a volunteer and a coordinator use them, end to end: register, get vetted,
sign up, check in and out, hours approved, certificate, export."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import select

from core.db import db
from core.drawing import font_path
from tests.factories import audit_events
from tests.pages import html, login
from tests.portal import test_web_harness as harness
from tests.volunteers.factories import (
    CONDUCT,
    VOLUNTEER_PASSWORD,
    make_coordinator,
    volunteer_login,
)
from volunteers.accounts.models import Volunteer
from volunteers.programmes.models import Activity, HoursEntry, Programme, Shift, Signup

web = harness.web

SIGNUP_LINK = re.compile(r"/v/signups/([0-9a-f-]{36})")


def test_from_registration_to_a_certificate(web, ctx, clock):
    volunteer_web = harness.new_client(web.application)
    staff_web = web

    # -- the volunteer registers --
    registered = volunteer_web.post(
        "/v/register",
        data={
            "kind": "individual",
            "username": "li-ming",
            "display_name": "李明",
            "phone": "19812340000",
            "password": VOLUNTEER_PASSWORD,
            "languages": ["粤语"],
            "conduct_version": CONDUCT,
            "conduct_agreed": "y",
        },
    )
    assert registered.status_code == 302
    volunteer_id = db.session.scalars(
        select(Volunteer.id).where(Volunteer.username == "li-ming")
    ).one()

    # -- a coordinator vets them --
    coordinator = make_coordinator()
    login(staff_web, coordinator.username)
    assert "李明" in html(staff_web.get("/volunteers?status=pending"))
    for step, note, version in (
        ("documents", "身份证、无犯罪记录证明", ""),
        ("interview", "面谈通过", ""),
        ("pledge", "", "2025-01"),
    ):
        response = staff_web.post(
            f"/volunteers/{volunteer_id}/steps",
            data={"step": step, "note": note, "pledge_version": version},
        )
        assert response.status_code == 302, html(response)
    decided = staff_web.post(
        f"/volunteers/{volunteer_id}/decision", data={"outcome": "approve", "reason": "材料齐全"}
    )
    assert decided.status_code == 302

    # -- and sets up a programme, an activity and a shift three days ahead --
    made = staff_web.post(
        "/programs/new", data={"name": "黄丝带帮教", "description": "结对帮教", "active": "y"}
    )
    assert made.status_code == 302, html(made)
    programme_id = db.session.scalars(
        select(Programme.id).where(Programme.name == "黄丝带帮教")
    ).one()
    added = staff_web.post(
        f"/programs/{programme_id}/activities", data={"title": "入户走访", "needs_vetting": "y"}
    )
    assert added.status_code == 302
    activity_id = db.session.scalars(
        select(Activity.id).where(Activity.programme_id == programme_id)
    ).one()
    day = (clock.now().date()).fromordinal(clock.now().date().toordinal() + 3)
    shift_added = staff_web.post(
        f"/activities/{activity_id}/shifts",
        data={
            "day": day.isoformat(),
            "starts": "09:00",
            "ends": "11:30",
            "place": "赤坎镇司法所",
            "town": "赤坎镇",
            "capacity": "3",
        },
    )
    assert shift_added.status_code == 302, html(shift_added)
    shift = db.session.scalars(select(Shift).where(Shift.activity_id == activity_id)).one()
    code, shift_public_id, starts_at = shift.checkin_code, shift.public_id, shift.starts_at

    # -- the volunteer finds the shift and signs up --
    volunteer_login(volunteer_web, "19812340000")
    home = html(volunteer_web.get("/v/"))
    assert "审核通过" in home or "已获" in home or "我的班次" in home
    assert "入户走访" in html(volunteer_web.get("/v/shifts"))
    assert volunteer_web.get(f"/v/shifts/{shift_public_id}").status_code == 200
    signed = volunteer_web.post(f"/v/shifts/{shift_public_id}/signup")
    assert signed.status_code == 302
    match = SIGNUP_LINK.search(signed.location)
    assert match
    signup_id = match.group(1)
    assert "已获名额" in html(volunteer_web.get(f"/v/signups/{signup_id}"))

    # -- on the day: a wrong code, then the right one; out two hours later --
    clock.to(starts_at)
    wrong = volunteer_web.post(
        f"/v/signups/{signup_id}/checkin", data={"code": "000000" if code != "000000" else "111111"}
    )
    assert "签到码错误" in html(wrong)
    early_out = volunteer_web.post(f"/v/signups/{signup_id}/checkout", data={"code": code})
    assert "请先签到" in html(early_out)
    assert (
        volunteer_web.post(f"/v/signups/{signup_id}/checkin", data={"code": code}).status_code
        == 302
    )
    clock.travel(hours=2)
    assert (
        volunteer_web.post(f"/v/signups/{signup_id}/checkout", data={"code": code}).status_code
        == 302
    )
    assert "待审核" in html(volunteer_web.get("/v/hours"))

    # -- the coordinator approves the hours --
    hours_id = db.session.scalars(select(HoursEntry.id)).one()
    assert "李明" in html(staff_web.get("/activities/hours"))
    assert staff_web.post(f"/activities/hours/{hours_id}/approve").status_code == 302
    assert audit_events("hours.approve", hours_id)

    # -- the volunteer's hours and certificate --
    mine = html(volunteer_web.get("/v/hours"))
    assert 'id="approved-total">2<' in mine
    year = starts_at.year
    if _have_font():
        png = volunteer_web.get(f"/v/certificates/{year}.png")
        assert png.status_code == 200 and png.mimetype == "image/png"
        assert png.data.startswith(b"\x89PNG")

    # -- and the export a registry imports --
    exported = staff_web.get("/activities/hours/export?format=csv")
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    public_id = db.session.get_one(Volunteer, volunteer_id).public_id
    assert rows[0][0] == "志愿者编号"
    assert rows[1][:4] == [public_id, "李明", "黄丝带帮教", "入户走访"]
    assert rows[1][-1] == "2"
    assert "19812340000" not in exported.get_data(as_text=True)
    assert audit_events("hours.export")
    assert db.session.scalars(select(Signup.checked_out_at)).one() is not None


def _have_font() -> bool:
    try:
        font_path()
    except Exception:
        return False
    return True
