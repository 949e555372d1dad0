"""A volunteer's session is never a staff session, and a staff login is no volunteer's."""

from __future__ import annotations

import pytest

from core.users import Role
from tests.factories import make_staff
from tests.pages import html, login
from tests.portal import test_web_harness as harness
from tests.volunteers.factories import make_volunteer, volunteer_login

web = harness.web

STAFF_PAGES = [
    "/",
    "/persons",
    "/needs",
    "/audit",
    "/admin/users",
    "/projects",
    "/volunteers",
    "/programs",
    "/activities",
    "/activities/hours",
]


def test_the_volunteer_cookie_is_sent_to_volunteer_pages_only(web, ctx):
    make_volunteer(username="cookie-path")
    response = volunteer_login(web, "cookie-path")
    header = response.headers["Set-Cookie"]
    assert "kp_volunteer=" in header
    assert "Path=/v" in header and "HttpOnly" in header and "SameSite=Lax" in header
    # Nothing of the volunteer is in Flask's own session cookie, which staff pages read.
    assert web.get_cookie("session") is None or "volunteer" not in web.get_cookie("session").value


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_a_logged_in_volunteer_reaches_no_staff_page(web, ctx, path):
    make_volunteer(username="curious")
    volunteer_login(web, "curious")
    response = web.get(path)
    # The staff login page, as for anyone not logged in as staff.
    assert response.status_code == 302, path
    assert response.location.startswith("/login"), path


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_a_logged_in_staff_member_is_no_volunteer(web, ctx, role):
    staff = make_staff(role)
    login(web, staff.username)
    for path in ("/v/",):
        response = web.get(path)
        assert response.status_code == 302
        assert response.location.startswith("/v/login")
    assert web.post("/v/logout").location.startswith("/v/login")


def test_staff_credentials_do_not_open_volunteer_pages(web, ctx):
    staff = make_staff(Role.COORDINATOR)
    response = web.post(
        "/v/login", data={"login": staff.username, "password": "correct-horse-battery"}
    )
    assert response.status_code == 200
    assert "登录名或密码错误" in html(response)


def test_volunteer_credentials_do_not_open_staff_pages(web, ctx):
    make_volunteer(username="not-staff")
    response = web.post(
        "/login", data={"username": "not-staff", "password": "kind-river-stones-42"}
    )
    assert response.status_code == 200
    assert web.get("/").status_code == 302


def test_both_logins_in_one_browser_stay_apart(web, ctx):
    staff = make_staff(Role.COORDINATOR)
    make_volunteer(username="two-hats")
    login(web, staff.username)
    volunteer_login(web, "two-hats")
    # Each side sees its own login, and logging out of one leaves the other.
    assert web.get("/").status_code == 200
    assert web.get("/v/").status_code == 200
    web.post("/v/logout")
    assert web.get("/").status_code == 200
    assert web.get("/v/").status_code == 302


def test_volunteer_errors_show_no_staff_navigation(web, ctx):
    response = web.get("/v/no-such-page")
    assert response.status_code == 404
    assert "/persons" not in html(response)
