"""Redirects that follow the client's choice (`next`, the referrer) stay on this site."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from core.users import Role
from tests.factories import PASSWORD, make_user
from tests.portal import test_web_harness as harness

web = harness.web

# Each would take a browser to another site, or be read differently by some browser.
NASTY_NEXT = [
    "http://localhost//evil.example/",
    "//evil.example/",
    "///evil.example/",
    "https://evil.example/",
    "http:evil.example",
    "http:/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    " //evil.example",
    "\u3000//evil.example",
    "/\u2028/evil.example",
    "javascript:alert(1)",
    "evil.example",
    "@evil.example",
]
NASTY_REFERRERS = [
    "http://localhost//evil.example/",
    "http://localhost/\\evil.example",
    "http://localhost/\t/evil.example",
    "http://evil.example/persons",
    "https://localhost/persons",  # not the scheme this request came in with
    "http://localhost:5000/persons",
    "http://localhost.evil.example/persons",
    "//evil.example/",
    "http://[::1/",
    "not a url",
]
DASHBOARD = "/"


@pytest.mark.parametrize("target", NASTY_NEXT)
def test_the_language_switch_refuses_a_next_off_this_site(web, ctx, target):
    response = web.get("/lang/en", query_string={"next": target})

    assert response.status_code == 302
    assert response.location == DASHBOARD


@pytest.mark.parametrize("referrer", NASTY_REFERRERS)
def test_the_language_switch_refuses_a_referrer_off_this_site(web, ctx, referrer):
    response = web.get("/lang/zh_CN", headers={"Referer": referrer})

    assert response.status_code == 302
    assert response.location == DASHBOARD


def test_the_language_switch_returns_to_the_page_it_came_from(web, ctx):
    by_next = web.get("/lang/en", query_string={"next": "/persons?page=2&q=张"})
    by_referrer = web.get("/lang/en", headers={"Referer": "http://localhost/needs?status=draft"})

    assert unquote(by_next.location) == "/persons?page=2&q=张"
    assert by_referrer.location == "/needs?status=draft"


def _log_in(client, next_value: str):
    return client.post(
        "/login",
        query_string={"next": next_value},
        data={"username": make_user(Role.AUDITOR).username, "password": PASSWORD},
    )


def test_login_goes_on_to_the_page_that_asked_for_it(web, ctx):
    asked = web.get("/audit?page=2")
    assert asked.status_code == 302
    assert asked.location == "/login?next=%2Faudit%3Fpage%3D2"
    # The login form posts the `next` on.
    assert 'action="/login?next=/audit?page%3D2"' in web.get(asked.location).get_data(as_text=True)

    response = _log_in(web, "/audit?page=2")

    assert response.status_code == 302
    assert response.location == "/audit?page=2"


@pytest.mark.parametrize("target", NASTY_NEXT)
def test_login_refuses_a_next_off_this_site(web, ctx, target):
    response = _log_in(web, target)

    assert response.status_code == 302
    assert response.location == DASHBOARD
