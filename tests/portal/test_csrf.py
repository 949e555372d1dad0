"""With CSRF protection on (as in production), a POST without the form's token changes nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from flask import Flask

from core.idcard import make_id_number
from core.people.models import Person
from core.throttle import LoginThrottle
from core.users import Role
from tests.factories import PASSWORD, audit_events, make_person, make_unit, make_user
from tests.pages import html
from tests.portal import test_web_harness as harness
from tests.portal.test_web_harness import count

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


def _login(client, username: str) -> None:
    token = _token(client, "/login")
    response = client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def _person_form(office_id: int) -> dict[str, str]:
    born = date(1990, 6, 1)
    return {
        "name": "王小龙",
        "id_number": make_id_number("440783", born, 77),
        "office_id": str(office_id),
        "kind": "correction",
        "correction_type": "probation",
        "term_start": (date.today() - timedelta(days=30)).isoformat(),  # noqa: DTZ011
        "sex": "male",
        "birth_date": born.isoformat(),
    }


def test_login_without_token_is_refused_and_records_nothing(web, ctx, csrf_on):
    username = make_user(Role.OFFICER, make_unit()).username

    response = web.post("/login", data={"username": username, "password": PASSWORD})

    assert response.status_code == 400
    assert web.get("/").status_code == 302
    assert audit_events("login") == []
    refused = web.post("/login", data={"username": username, "password": "wrong-password"})
    assert refused.status_code == 400
    assert audit_events("login.failed") == []
    assert count(LoginThrottle) == 0


def test_login_with_the_forms_token_works(web, ctx, csrf_on):
    username = make_user(Role.OFFICER, make_unit()).username

    _login(web, username)

    assert web.get("/").status_code == 200


def test_registering_a_person_needs_the_token(web, ctx, csrf_on):
    office = make_unit()
    officer = make_user(Role.OFFICER, office)
    form, username = _person_form(office.id), officer.username
    _login(web, username)
    before = count(Person)

    refused = web.post("/persons/new", data=form)

    assert refused.status_code == 400
    assert count(Person) == before
    accepted = web.post("/persons/new", data={**form, "csrf_token": _token(web, "/persons/new")})
    assert accepted.status_code == 302
    assert count(Person) == before + 1


def test_revealing_needs_the_token(web, ctx, csrf_on):
    office = make_unit()
    officer = make_user(Role.OFFICER, office)
    person = make_person(officer, office)
    person_id, id_number, username = person.id, person.id_number, officer.username
    assert id_number is not None
    _login(web, username)

    refused = web.post(f"/persons/{person_id}/reveal", data={"field": "id_number"})

    assert refused.status_code == 400
    assert id_number not in html(refused)
    assert audit_events("person.reveal") == []
    token = _token(web, f"/persons/{person_id}")
    accepted = web.post(
        f"/persons/{person_id}/reveal", data={"field": "id_number", "csrf_token": token}
    )
    assert accepted.status_code == 200
    assert id_number in html(accepted)
    assert len(audit_events("person.reveal", person_id)) == 1


def test_a_token_from_another_session_is_refused(web, ctx, csrf_on, app):
    username = make_user(Role.OFFICER, make_unit()).username
    foreign = _token(harness.new_client(app), "/login")

    response = web.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": foreign}
    )

    assert response.status_code == 400
    assert web.get("/").status_code == 302
