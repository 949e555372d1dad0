"""Migrations run up and down, and the models agree with them."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from core.db import db
from tests.conftest import make_app
from tests.live import scratch_database


@pytest.fixture()
def scratch_url():
    """A database of its own: migrating down must not disturb the shared test database."""
    with scratch_database("mig") as url:
        yield url


def test_upgrade_downgrade_upgrade_and_models_match(scratch_url):
    app = make_app(SQLALCHEMY_DATABASE_URI=scratch_url)
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"person", "need", "audit_event", "staff_user", "org_unit"} <= tables
        with db.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata
            )
        assert diff == [], f"models and migrations disagree: {diff}"
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "person" in inspect(db.engine).get_table_names()
        db.engine.dispose()
