"""Staff sessions live on the server: logging out ends one for good, a copied cookie too."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from core.db import db, utcnow
from core.sessions import StaffSession
from core.users import Role
from tests.factories import audit_events, make_person, make_unit, make_user
from tests.pages import html, login
from tests.portal import test_web_harness as harness
from tests.portal.test_web_harness import new_client

web = harness.web

SURNAME = "欧阳"


def _copy_of(client: FlaskClient, app: Flask) -> FlaskClient:
    """Another browser holding a copy of `client`'s session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = new_client(app)
    thief.set_cookie("session", cookie.value)
    return thief


def _logout(client) -> None:
    response = client.post("/logout")
    assert response.status_code == 302
    assert response.location == "/login"


def test_a_copied_cookie_reads_nothing_after_logout(web, ctx, app):
    office = make_unit()
    officer = make_user(Role.OFFICER, office)
    officer_id = officer.id
    person_id = make_person(officer, office, name=f"{SURNAME}明华").id
    login(web, officer.username)
    thief = _copy_of(web, app)
    # The copy works while the session lives: the replay below is a fair one.
    assert SURNAME[0] in html(thief.get(f"/persons/{person_id}"))

    _logout(web)

    replay = thief.get(f"/persons/{person_id}")
    assert replay.status_code == 302
    assert replay.location.startswith("/login")
    assert SURNAME[0] not in html(replay)
    assert thief.get("/").status_code == 302
    assert [e.actor_id for e in audit_events("logout")] == [officer_id]


def test_logout_ends_only_the_browser_it_comes_from(web, ctx, app):
    user = make_user(Role.AUDITOR)
    elsewhere = new_client(app)
    login(web, user.username)
    login(elsewhere, user.username)

    _logout(web)

    assert web.get("/").status_code == 302
    assert elsewhere.get("/").status_code == 200


def test_the_server_keeps_a_hash_of_the_token_and_ends_the_session_at_its_lifetime(web, ctx, app):
    user = make_user(Role.AUDITOR)
    user_id = user.id
    login(web, user.username)
    cookie = app.session_interface.get_signing_serializer(app).loads(
        web.get_cookie("session").value
    )
    row = db.session.scalars(select(StaffSession).where(StaffSession.user_id == user_id)).one()
    token = cookie["staff_session"]
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() != token
    assert row.expires_at - row.started_at == app.permanent_session_lifetime
    assert web.get("/").status_code == 200

    db.session.execute(
        update(StaffSession)
        .where(StaffSession.user_id == user_id)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()

    assert web.get("/").status_code == 302


def test_a_new_login_drops_expired_sessions(web, ctx):
    user = make_user(Role.AUDITOR)
    login(web, user.username)
    db.session.execute(update(StaffSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()

    login(web, user.username)

    db.session.expire_all()
    assert len(db.session.scalars(select(StaffSession)).all()) == 1
