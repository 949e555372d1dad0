"""What tests that commit for real share: a scratch database of their own, and a quiet
threaded server for the portal (the payment sandbox posts its webhooks to it)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from werkzeug.serving import WSGIRequestHandler

from tests.conftest import _TMP, database_url, is_postgres


@contextmanager
def scratch_database(prefix: str) -> Iterator[str]:
    """A database of its own (SQLite file or PostgreSQL database), dropped afterwards."""
    if not is_postgres():
        path = Path(_TMP) / f"{prefix}-{uuid.uuid4().hex[:12]}.sqlite3"
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    base = database_url()
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        # template0 takes no connections: copying template1 fails while anyone else
        # (another suite creating its own database) is connected to it.
        conn.execute(text(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'"))
    try:
        yield base.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class QuietHandler(WSGIRequestHandler):
    """No access log: the test output stays readable."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Log nothing."""
