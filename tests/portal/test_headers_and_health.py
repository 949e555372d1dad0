"""Security headers, cookie flags, the health check, 404s and the interface language."""

from __future__ import annotations

import pytest

from core.users import Role
from tests.factories import PASSWORD, make_user
from tests.pages import html, login
from tests.portal import test_web_harness as harness
from tests.portal.test_web_harness import zh_translation

web = harness.web
zh_catalogue = harness.zh_catalogue


def _assert_security_headers(response) -> None:
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


@pytest.mark.parametrize("url", ["/login", "/healthz", "/no-such-page"])
def test_anonymous_responses_carry_security_headers(web, url):
    _assert_security_headers(web.get(url))


@pytest.mark.parametrize("url", ["/", "/persons", "/needs", "/audit", "/persons/999999"])
def test_staff_pages_carry_security_headers_and_are_not_cached(web, ctx, url):
    login(web, make_user(Role.ADMIN).username)

    response = web.get(url)

    _assert_security_headers(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_session_cookie_is_httponly_and_samesite_lax(web, ctx):
    username = make_user(Role.AUDITOR).username

    response = web.post("/login", data={"username": username, "password": PASSWORD})

    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    flags = [part.strip().lower() for part in cookie.split(";")]
    assert "httponly" in flags
    assert "samesite=lax" in flags


def test_health_check_answers_json(web):
    response = web.get("/healthz")

    assert response.status_code == 200
    assert response.is_json
    assert response.get_json() == {"status": "ok"}


def test_the_favicon_is_a_small_icon_anyone_may_fetch_and_cache(web):
    # No session: a browser asks for it on the login page too.
    response = web.get("/favicon.ico")

    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert len(response.data) < 10_000
    assert "max-age=86400" in response.headers["Cache-Control"]
    assert "no-store" not in response.headers["Cache-Control"]
    _assert_security_headers(response)


def test_pages_link_the_favicon(web):
    assert '<link rel="icon" href="/favicon.ico">' in html(web.get("/login"))


def test_unknown_urls_answer_404(web, ctx):
    assert web.get("/no-such-page").status_code == 404
    login(web, make_user(Role.ADMIN).username)
    assert web.get("/no-such-page").status_code == 404
    assert web.get("/persons/not-a-number").status_code == 404


def test_default_language_is_chinese(web, zh_catalogue):
    page = html(web.get("/login"))

    assert '<html lang="zh-CN">' in page
    assert zh_translation(zh_catalogue, "Log in") == "登录"
    assert "登录" in page
    assert ">Log in<" not in page


def test_language_switch_to_english_sticks(web, ctx):
    username = make_user(Role.AUDITOR).username

    response = web.get("/lang/en?next=/login")

    assert response.status_code == 302
    assert response.location == "/login"
    page = html(web.get("/login"))
    assert '<html lang="en">' in page
    assert "Staff login" in page
    # Logging in clears the session; the language stays.
    login(web, username)
    assert '<html lang="en">' in html(web.get("/"))


def test_language_switch_refuses_unknown_languages_and_foreign_redirects(web):
    assert web.get("/lang/fr").status_code == 404
    response = web.get("/lang/en?next=https://evil.example/")
    assert response.location == "/"
