"""Scope: a volunteer reaches their own sign-ups and hours only; coordinators reach
the programmes they coordinate; other staff roles reach none of the wing's pages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.db import db
from core.users import Role
from tests.factories import make_staff
from tests.pages import login
from tests.portal import test_web_harness as harness
from tests.volunteers.factories import (
    make_approved_volunteer,
    make_coordinator,
    make_setting,
    volunteer_login,
)
from volunteers.programmes import attendance, signups
from volunteers.programmes.models import Programme

web = harness.web

CUTOFF = timedelta(hours=24)


@pytest.fixture()
def two_volunteers(ctx, clock):
    setting = make_setting()
    shift = setting.shift(starts_in=timedelta(days=2))
    mine = make_approved_volunteer(username="me-myself")
    theirs = make_approved_volunteer(username="someone-else")
    their_signup = signups.sign_up(theirs.id, shift.public_id, cutoff=CUTOFF)
    clock.to(shift.starts_at)
    attendance.check_in(theirs.id, their_signup.public_id, shift.checkin_code)
    clock.travel(hours=2)
    entry = attendance.check_out(theirs.id, their_signup.public_id, shift.checkin_code)
    from volunteers.programmes.hours import approve_hours

    approve_hours(setting.coordinator, entry.id)
    return (
        setting,
        (shift.public_id, shift.checkin_code),
        mine.id,
        their_signup.public_id,
        shift.starts_at.year,
    )


def test_another_volunteers_sign_up_answers_404_on_every_path(web, two_volunteers, clock):
    _setting, (_shift_id, code), _mine, their_signup, _year = two_volunteers
    volunteer_login(web, "me-myself")
    assert web.get(f"/v/signups/{their_signup}").status_code == 404
    for action in ("cancel", "checkin", "checkout"):
        response = web.post(f"/v/signups/{their_signup}/{action}", data={"code": code})
        assert response.status_code == 404, action
    assert web.get("/v/signups/00000000-0000-0000-0000-000000000000").status_code == 404


def test_a_volunteer_has_no_certificate_for_another_volunteers_hours(web, two_volunteers):
    *_rest, year = two_volunteers
    volunteer_login(web, "me-myself")
    assert web.get(f"/v/certificates/{year}.png").status_code == 404
    volunteer_login(web, "someone-else")
    assert web.get(f"/v/certificates/{year}.png").status_code == 200


def test_a_volunteers_hours_page_shows_their_own_hours_only(web, two_volunteers):
    volunteer_login(web, "me-myself")
    page = web.get("/v/hours").get_data(as_text=True)
    assert "暂无服务时长" in page


def test_volunteer_pages_need_a_volunteer_login(web, two_volunteers):
    _setting, (shift_id, _code), _mine, their_signup, year = two_volunteers
    for path in (
        "/v/shifts",
        f"/v/shifts/{shift_id}",
        f"/v/signups/{their_signup}",
        "/v/hours",
        f"/v/certificates/{year}.png",
    ):
        response = web.get(path)
        assert response.status_code == 302 and response.location.startswith("/v/login"), path
    staff = make_coordinator()
    login(web, staff.username)
    for path in ("/v/shifts", f"/v/signups/{their_signup}", "/v/hours"):
        assert web.get(path).location.startswith("/v/login"), path
    assert web.post(f"/v/shifts/{shift_id}/signup").location.startswith("/v/login")


def test_a_coordinator_reaches_only_the_programmes_they_coordinate(web, ctx):
    setting = make_setting()
    shift_id = setting.shift().id
    programme_name = db.session.get_one(Programme, setting.programme_id).name
    coordinator_name = setting.coordinator.username
    outsider = make_coordinator()
    login(web, outsider.username)
    for path in (
        f"/programs/{setting.programme_id}",
        f"/programs/{setting.programme_id}/edit",
        f"/activities/{setting.activity_id}",
        f"/activities/{setting.activity_id}/edit",
        f"/activities/shifts/{shift_id}",
    ):
        assert web.get(path).status_code == 404, path
    assert (
        web.post(f"/activities/shifts/{shift_id}/cancel", data={"reason": "x"}).status_code == 404
    )
    assert (
        web.post(f"/activities/shifts/{shift_id}/capacity", data={"capacity": "9"}).status_code
        == 404
    )
    assert programme_name not in web.get("/programs").get_data(as_text=True)
    assert programme_name not in web.get("/activities").get_data(as_text=True)
    login(web, coordinator_name)
    assert web.get(f"/activities/shifts/{shift_id}").status_code == 200


def test_an_outsider_cannot_decide_another_programmes_hours(web, two_volunteers):
    from sqlalchemy import select

    from core.db import db
    from volunteers.programmes.models import HoursEntry

    hours_id = db.session.scalars(select(HoursEntry.id)).one()
    login(web, make_coordinator().username)
    response = web.post(
        f"/activities/hours/{hours_id}/decline", data={"reason": "no"}, follow_redirects=True
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    "role", [Role.FINANCE, Role.OFFICER, Role.SOCIAL_WORKER, Role.TRAINING_PARTNER]
)
def test_other_staff_roles_reach_none_of_the_wing(web, ctx, role):
    setting = make_setting()
    login(web, make_staff(role).username)
    for path in (
        "/volunteers",
        "/programs",
        "/activities",
        "/activities/hours",
        f"/programs/{setting.programme_id}",
    ):
        assert web.get(path).status_code == 404, path


def test_an_auditor_reads_but_changes_nothing(web, ctx):
    setting = make_setting()
    shift = setting.shift()
    shift_id, code = shift.id, shift.checkin_code
    login(web, make_staff(Role.AUDITOR).username)
    assert web.get(f"/programs/{setting.programme_id}").status_code == 200
    assert web.get(f"/activities/shifts/{shift_id}").status_code == 200
    assert code not in web.get(f"/activities/shifts/{shift_id}").get_data(as_text=True)
    assert (
        web.post(f"/activities/shifts/{shift_id}/cancel", data={"reason": "x"}).status_code == 404
    )
    assert web.get("/programs/new").status_code == 404
