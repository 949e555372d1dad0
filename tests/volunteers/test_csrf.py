"""With CSRF protection on (as in production), a volunteer's POST without the form's
token changes nothing; with it, the volunteer pages work."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select

from core.db import db
from tests.pages import html
from tests.portal import test_web_harness as harness
from tests.volunteers.factories import VOLUNTEER_PASSWORD, make_approved_volunteer, make_setting
from volunteers.accounts.models import Volunteer
from volunteers.programmes.models import Signup

web = harness.web

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture()
def csrf_on(app: Flask) -> Iterator[None]:
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        yield
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def _token(client, url: str) -> str:
    match = _TOKEN.search(html(client.get(url)))
    assert match, f"no csrf_token on {url}"
    return match.group(1)


def test_volunteer_posts_need_the_forms_token(web, ctx, csrf_on):
    before = db.session.scalar(select(func.count()).select_from(Volunteer))
    refused = web.post("/v/register", data={"username": "no-token", "password": "x" * 12})
    assert refused.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Volunteer)) == before

    shift = make_setting().shift().public_id
    make_approved_volunteer(username="with-token")
    assert (
        web.post(
            "/v/login", data={"login": "with-token", "password": VOLUNTEER_PASSWORD}
        ).status_code
        == 400
    )
    token = _token(web, "/v/login")
    logged_in = web.post(
        "/v/login",
        data={"login": "with-token", "password": VOLUNTEER_PASSWORD, "csrf_token": token},
    )
    assert logged_in.status_code == 302

    assert web.post(f"/v/shifts/{shift}/signup").status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Signup)) == 0
    token = _token(web, f"/v/shifts/{shift}")
    assert web.post(f"/v/shifts/{shift}/signup", data={"csrf_token": token}).status_code == 302
    assert web.post("/v/logout").status_code == 400
    assert web.get("/v/").status_code == 200
