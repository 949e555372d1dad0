"""The sandbox's own SQLite database, so its state survives a restart.

API objects (payment intents, charges, refunds) are kept as JSON documents in
Stripe's shape; events, webhook endpoints, deliveries and idempotency keys have
tables of their own because they are queried by more than their id.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

JSONObject = dict[str, Any]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    id TEXT PRIMARY KEY,
    object TEXT NOT NULL,
    created INTEGER NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    created INTEGER NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_created ON events (created);
CREATE INDEX IF NOT EXISTS events_type ON events (type, seq);
CREATE TABLE IF NOT EXISTS webhook_endpoints (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    enabled_events TEXT NOT NULL,
    description TEXT,
    metadata TEXT NOT NULL,
    api_version TEXT,
    preregistered INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL REFERENCES events (id),
    endpoint_id TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    duplicates INTEGER NOT NULL DEFAULT 0,
    delayed INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    last_status_code INTEGER,
    last_error TEXT,
    created_at REAL NOT NULL,
    delivered_at REAL
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS deliveries_event ON deliveries (event_id);
CREATE TABLE IF NOT EXISTS idempotency_keys (
    api_key_hash TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    request_id TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (api_key_hash, key)
);
"""


class Store:
    """Connections safe from any thread, one per transaction, kept open between them.

    Writers take one process-wide lock as well as SQLite's: it turns "two requests
    with the same idempotency key at once" into "one after the other", and keeps
    writers from failing with SQLITE_BUSY under load. A connection is opened before
    the lock is taken, never inside it, and goes back to a small stock of idle
    ones afterwards, so a busy sandbox does not open the file for every request.
    """

    _IDLE_KEPT = 32

    def __init__(self, path: str) -> None:
        self.path = path
        self._write_lock = threading.Lock()
        self._idle: list[sqlite3.Connection] = []
        self._idle_lock = threading.Lock()

    def migrate(self) -> None:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = self._connect()
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA)
        finally:
            conn.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        conn = self._take()
        try:
            with self._write_lock:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
        except BaseException:
            conn.close()
            raise
        self._give_back(conn)

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        conn = self._take()
        try:
            # One snapshot for the whole read, so a list page and its has_more agree.
            conn.execute("BEGIN")
            yield conn
        finally:
            conn.execute("ROLLBACK")
        self._give_back(conn)

    def _take(self) -> sqlite3.Connection:
        with self._idle_lock:
            if self._idle:
                return self._idle.pop()
        return self._connect()

    def _give_back(self, conn: sqlite3.Connection) -> None:
        with self._idle_lock:
            if len(self._idle) < self._IDLE_KEPT:
                self._idle.append(conn)
                return
        conn.close()

    def _connect(self) -> sqlite3.Connection:
        # Used from whichever thread takes it next: check_same_thread off.
        conn = sqlite3.connect(
            self.path, timeout=30.0, isolation_level=None, check_same_thread=False
        )
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("PRAGMA synchronous = NORMAL")
        return conn


def load_object(conn: sqlite3.Connection, object_id: str, kind: str) -> JSONObject | None:
    row = conn.execute(
        "SELECT body FROM objects WHERE id = ? AND object = ?", (object_id, kind)
    ).fetchone()
    if row is None:
        return None
    return cast(JSONObject, json.loads(row["body"]))


def save_object(conn: sqlite3.Connection, obj: JSONObject) -> None:
    conn.execute(
        "INSERT INTO objects (id, object, created, body) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET body = excluded.body",
        (obj["id"], obj["object"], obj["created"], json.dumps(obj)),
    )
