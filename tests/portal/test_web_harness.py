"""Helpers shared by the portal page tests, and the tests that prove the helpers work.

Why a client of our own: the harness's `connection` fixture keeps one app context
pushed for the whole test, and Flask reuses a pushed app context for test
requests. `g` (where Flask-Login caches the user, Flask-Babel the locale and
Flask-WTF the CSRF token) would then carry over from one request to the next and
from one client to another, and the database session would never be removed
between requests. `PortalClient` runs every request in a fresh app context, as
production does. (tests/portal has no conftest.py of its own, so the modules
import these helpers from here.)

Why cheap password hashing: argon2 with production parameters costs ~0.2 s per
hash and per check; page tests create and log in many users. Login pages still
verify a real argon2 hash, only with small parameters.
"""

from __future__ import annotations

import gettext
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

import core.users
from core.db import db
from core.users import Role
from portal.extensions import babel
from tests.conftest import PortalClient
from tests.factories import audit_events, make_unit, make_user

# Page tests import these from here too (they lived here before tests/pages.py).
from tests.pages import english, html, login  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "portal" / "translations"
ZH_MO = TRANSLATIONS / "zh_CN" / "LC_MESSAGES" / "messages.mo"


def new_client(app: Flask) -> PortalClient:
    """Another browser: its own cookies, the same database transaction."""
    return PortalClient(app, app.response_class, use_cookies=True)


@pytest.fixture()
def web(app: Flask, connection: Connection, monkeypatch: pytest.MonkeyPatch) -> PortalClient:
    """A portal client in the test's transaction, with cheap password hashing.

    Modules share it by assignment (`web = harness.web`).
    """
    monkeypatch.setattr(
        core.users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    return new_client(app)


def count(model: type[Any]) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture(scope="session")
def zh_catalogue(app: Flask) -> Iterator[gettext.GNUTranslations]:
    """The compiled Chinese catalogue, compiled now if missing or older than its .po."""
    po = ZH_MO.with_suffix(".po")
    if not ZH_MO.exists() or ZH_MO.stat().st_mtime < po.stat().st_mtime:
        subprocess.run(
            [sys.executable, "-m", "babel.messages.frontend", "compile", "-d", str(TRANSLATIONS)],
            check=True,
            capture_output=True,
        )
    # Pages rendered before this point may have cached an older (or empty) catalogue.
    with app.app_context():
        babel.domain_instance.cache.clear()
    with ZH_MO.open("rb") as handle:
        yield gettext.GNUTranslations(handle)


def zh_translation(catalogue: gettext.GNUTranslations, msgid: str) -> str | None:
    """The Chinese text of a msgid, or None while the catalogue does not translate it."""
    text = catalogue.gettext(msgid)
    return None if text == msgid else text


# -- the helpers' own tests ---------------------------------------------------------


def test_two_clients_each_see_their_own_user(web, ctx, app):
    office = make_unit()
    first = make_user(Role.OFFICER, office)
    second = make_user(Role.OFFICER, office)
    first_name, second_name = first.display_name, second.display_name
    other = new_client(app)

    login(web, first.username)
    login(other, second.username)

    assert first_name in html(web.get("/"))
    assert second_name in html(other.get("/"))
    assert first_name in html(web.get("/"))


def test_anonymous_client_is_sent_to_login_while_another_is_logged_in(web, ctx, app):
    login(web, make_user(Role.OFFICER, make_unit()).username)

    response = new_client(app).get("/persons")

    assert response.status_code == 302
    assert response.location.startswith("/login")


def test_logging_out_ends_only_that_clients_session(web, ctx, app):
    username = make_user(Role.AUDITOR).username
    other = new_client(app)
    login(web, username)
    login(other, username)

    assert web.post("/logout").status_code == 302

    assert web.get("/").status_code == 302
    assert other.get("/").status_code == 200
    assert len(audit_events("logout")) == 1
