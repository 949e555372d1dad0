"""Test harness: a real database built by the migrations, each test in a rolled-back transaction.

SQLite by default; PostgreSQL when TEST_DATABASE_URL is set (`make test` runs both).
Tests marked `postgres_only` are deselected, not skipped, on SQLite.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import scoped_session, sessionmaker
from werkzeug.test import TestResponse

from core.crypto import Keyring
from core.db import db
from tests.session_checks import (
    Verdict,
    run_checks,
    scan_answer,
    watch_audit_record,
    whole_suite,
)

_TMP = Path(tempfile.mkdtemp(prefix="kp-tests-"))
os.environ["INSTANCE_PATH"] = str(_TMP / "instance")
os.environ.pop("DATABASE_URL", None)
os.environ.pop("REDIS_URL", None)

TEST_KEYS = {
    "SECRET_KEY": "test-secret-key-not-for-production",
    "FIELD_KEYS": Keyring.new_key_spec("t1"),
    "AUDIT_KEY": "test-audit-key",
}


def database_url() -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{_TMP / 'test.sqlite3'}"


def is_postgres() -> bool:
    return database_url().startswith(("postgres", "postgresql"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if is_postgres():
        return
    deselected = [item for item in items if item.get_closest_marker("postgres_only")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgres_only")]


# -- checks over the whole run (tests/session_checks.py) -------------------------------------

_VERDICTS = pytest.StashKey[dict[str, Verdict]]()


def pytest_sessionstart(session: pytest.Session) -> None:
    watch_audit_record()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int | pytest.ExitCode) -> None:
    """After a whole run that passed, judge what the tests did together; a problem fails
    the run. (A subset, or a run already failing, is not judged: it records too little.)"""
    if exitstatus != pytest.ExitCode.OK or not whole_suite(session.config):
        return
    verdicts = run_checks()
    session.config.stash[_VERDICTS] = verdicts
    if any(verdict.problems for verdict in verdicts.values()):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    verdicts = config.stash.get(_VERDICTS, {})
    if verdicts:
        terminalreporter.section("checks over the whole run")
    for name, verdict in verdicts.items():
        failed = bool(verdict.problems)
        terminalreporter.write_line(
            f"{'FAILED' if failed else 'ok'}: {name} ({verdict.checked})", red=failed
        )
        for problem in verdict.problems:
            terminalreporter.write_line(f"  {problem}", red=True)
    # `-q` hides pytest-randomly's header, and with it the seed a failure needs to be replayed.
    seed = getattr(config.option, "randomly_seed", None)
    failed = exitstatus != pytest.ExitCode.OK or any(v.problems for v in verdicts.values())
    if failed and isinstance(seed, int) and config.pluginmanager.has_plugin("randomly"):
        terminalreporter.write_line(
            f"Random order: replay it with -p randomly --randomly-seed={seed}"
        )


class PortalClient(FlaskClient):
    """A test client whose every request gets a fresh app context and session, as in
    production: otherwise `g` (Flask-Login's user, the locale, the CSRF token) would
    carry over from the fixture's long-lived app context to every request."""

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        db.session.remove()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        scan_answer(str(response.request.path), response)
        return response


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    """Real argon2, small parameters: production settings cost ~0.2 s per hash."""
    import core.users

    original = core.users._hasher
    core.users._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    core.users._hasher = original


def make_app(**overrides: object) -> Flask:
    from portal.app import create_app

    config: dict[str, object] = {
        **TEST_KEYS,
        "SQLALCHEMY_DATABASE_URI": database_url(),
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "BACKGROUND_JOBS": "off",
    }
    config.update(overrides)
    application = create_app(config)
    application.test_client_class = PortalClient
    return application


def reset_database(app: Flask) -> None:
    """Drop everything and build the schema by running every migration."""
    from flask_migrate import upgrade

    with app.app_context():
        with db.engine.begin() as conn:
            if is_postgres():
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        if not is_postgres():
            db.engine.dispose()
            Path(database_url().removeprefix("sqlite:///")).unlink(missing_ok=True)
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def app() -> Iterator[Flask]:
    application = make_app()
    reset_database(application)
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture()
def connection(app: Flask) -> Iterator[Connection]:
    """Every test runs inside an outer transaction that is rolled back at the end.

    Services commit as they do in production; with `create_savepoint` their
    commits only release savepoints inside this transaction.
    """
    with app.app_context():
        conn = db.engine.connect()
        outer = conn.begin()
        original = db.session
        # A plain Session: Flask-SQLAlchemy's own ignores an explicit bind.
        db.session = scoped_session(
            sessionmaker(bind=conn, join_transaction_mode="create_savepoint")  # type: ignore[arg-type]
        )
        try:
            yield conn
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            conn.close()


@pytest.fixture()
def ctx(app: Flask, connection: Connection) -> Iterator[Flask]:
    """An app context whose db.session joins the test transaction."""
    with app.test_request_context():
        yield app


@pytest.fixture()
def client(app: Flask, connection: Connection) -> FlaskClient:
    return app.test_client()
