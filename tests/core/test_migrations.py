"""Migrations run up and down, and the models agree with them."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, Table, insert, inspect, text
from sqlalchemy.engine import Connection

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


def test_the_donor_outbox_moves_into_the_core_outbox_and_back(scratch_url):
    app = make_app(SQLALCHEMY_DATABASE_URI=scratch_url)
    with app.app_context():
        upgrade(revision="0004_allocations_payouts")
        with db.engine.begin() as conn:
            _old_outbox_rows(conn)

        upgrade(revision="0005_outbox_tasks")
        with db.engine.connect() as conn:
            moved = conn.execute(
                text(
                    "SELECT channel, recipient, kind, dedupe_key, data, status, attempts,"
                    " last_error FROM outbox_message ORDER BY id"
                )
            ).all()
        assert [tuple(row[:4]) for row in moved] == [
            (
                "wechat_subscribe",
                "donor-1",
                "donation_succeeded",
                "donation:gift-1:donation_succeeded",
            ),
            ("wechat_subscribe", "donor-1", "need_funded", "donation:gift-1:need_funded"),
            ("wechat_subscribe", "donor-1", "paid_out", "donation:gift-1:paid_out"),
        ]
        assert [_json(row[4]) for row in moved] == [
            {"amount": "¥10.00", "project": "助学", "donation_id": "gift-1"}
        ] * 3
        assert [tuple(row[5:]) for row in moved] == [
            ("sent", 0, ""),
            ("given_up", 3, "WeChat error 43101"),
            ("undeliverable", 0, ""),
        ]

        downgrade(revision="0004_allocations_payouts")
        with db.engine.connect() as conn:
            back = conn.execute(
                text(
                    "SELECT donor_id, donation_id, kind, data, status, attempts"
                    " FROM donor_outbox ORDER BY id"
                )
            ).all()
        assert [(r[0], r[1], r[2], _json(r[3]), r[4], r[5]) for r in back] == [
            ("donor-1", "gift-1", "donation_succeeded", OLD_DATA, "sent", 0),
            ("donor-1", "gift-1", "need_funded", OLD_DATA, "failed", 3),
            ("donor-1", "gift-1", "paid_out", OLD_DATA, "no_grant", 0),
        ]
        db.engine.dispose()


OLD_DATA = {"amount": "¥10.00", "project": "助学"}


def _json(value: object) -> object:
    return json.loads(value) if isinstance(value, str) else value


def _old_outbox_rows(conn: Connection) -> None:
    """A donor, a paid gift and three of its messages, as the donors' outbox kept them."""
    now = datetime(2026, 3, 14, 2, 0, tzinfo=UTC)
    for table, values in (
        ("project", {"id": "p-1", "title": "助学"}),
        ("donor", {"id": "donor-1", "openid": "o-1"}),
        (
            "donation",
            {"id": "gift-1", "donor_id": "donor-1", "project_id": "p-1", "amount_fen": 1_000},
        ),
    ):
        conn.execute(
            insert(_reflected(conn, table)).values({**_defaults(conn, table, now), **values})
        )
    outbox = _reflected(conn, "donor_outbox")
    for kind, status, attempts, error in (
        ("donation_succeeded", "sent", 0, ""),
        ("need_funded", "failed", 3, "WeChat error 43101"),
        ("paid_out", "no_grant", 0, ""),
    ):
        conn.execute(
            insert(outbox).values(
                donor_id="donor-1",
                donation_id="gift-1",
                kind=kind,
                data=OLD_DATA,
                status=status,
                attempts=attempts,
                last_error=error,
                created_at=now,
            )
        )


def _reflected(conn: Connection, name: str) -> Table:
    return Table(name, MetaData(), autoload_with=conn)


def _defaults(conn: Connection, name: str, now: datetime) -> dict[str, object]:
    """A plain value for every other required column of a table, as it stood then."""
    values: dict[str, object] = {}
    for column in _reflected(conn, name).columns:
        if column.nullable or column.primary_key or column.foreign_keys:
            continue
        python_type = column.type.python_type
        values[column.name] = {
            str: "x",
            int: 0,
            float: 0.0,
            bool: False,
            datetime: now,
            date: now.date(),
        }[python_type]
    return values
