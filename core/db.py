"""Database base class, session and time helpers shared by every package."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from datetime import UTC, datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import BigInteger, DateTime, Integer, MetaData
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Money columns: 64-bit on PostgreSQL; SQLite's INTEGER is 64-bit already.
Fen = BigInteger().with_variant(Integer, "sqlite")


def new_uuid() -> str:
    """An unguessable id for rows whose ids leave the staff portal."""
    return str(uuid.uuid4())


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend.

    SQLite forgets the offset, so values are normalised to UTC on the way in and
    marked UTC on the way out; naive datetimes are refused rather than guessed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused; use core.db.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    # The map lives on the registry: Flask-SQLAlchemy subclasses this base again.
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


db = SQLAlchemy(model_class=Base)


def utcnow() -> datetime:
    return datetime.now(UTC)


# Set while a request that only reads runs (reading_only); SQLite then begins its
# transactions DEFERRED, so readers never queue for the one write lock.
_reading_only: ContextVar[bool] = ContextVar("reading_only", default=False)


@contextmanager
def reading_only() -> Iterator[None]:
    """Transactions begun inside only read: on SQLite they begin DEFERRED.

    A write inside one still works while no other writer is busy, but may fail
    with "database is locked" rather than wait: use it only around code that
    never writes. PostgreSQL is not affected.
    """
    token = _reading_only.set(True)
    try:
        yield
    finally:
        _reading_only.reset(token)


def read_only_begin() -> Token[bool]:
    """reading_only() split in two, for a request's before and teardown hooks."""
    return _reading_only.set(True)


def read_only_end(token: Token[bool]) -> None:
    _reading_only.reset(token)


def configure_sqlite(engine: Engine) -> None:
    """WAL and a busy timeout let the demo take donors, webhooks and a CLI at once."""
    from sqlalchemy import event

    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):  # type: ignore[no-untyped-def]
        # pysqlite's own transaction handling defers BEGIN; take control so that
        # SELECT ... then UPDATE inside one transaction is really one transaction.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        # IMMEDIATE takes the write lock up front: a deferred transaction that
        # reads and then writes can fail at once with "database is locked"
        # instead of waiting out the busy timeout. WAL readers are not blocked,
        # and code that only reads says so (reading_only) and skips the queue.
        conn.exec_driver_sql("BEGIN" if _reading_only.get() else "BEGIN IMMEDIATE")
