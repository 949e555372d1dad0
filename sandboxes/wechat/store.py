"""The sandbox's state: used login codes and sent subscribe messages, in SQLite.

In memory by default; give a path to keep the state across restarts. One connection
behind a lock serves every request thread.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS used_codes (
    code TEXT PRIMARY KEY,
    used_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    msgid INTEGER PRIMARY KEY AUTOINCREMENT,
    touser TEXT NOT NULL,
    template_id TEXT NOT NULL,
    page TEXT,
    data_json TEXT NOT NULL,
    miniprogram_state TEXT,
    lang TEXT,
    sent_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_touser ON messages (touser);
"""

# Real msgids are large integers; starting high keeps them from looking like row counts.
_FIRST_MSGID = 2_000_000_000


@dataclass(frozen=True)
class NewMessage:
    touser: str
    template_id: str
    page: str | None
    data: dict[str, Any]
    miniprogram_state: str | None
    lang: str | None


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class SandboxStore:
    def __init__(self, path: str | None = None) -> None:
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(
            path or ":memory:", check_same_thread=False, isolation_level=None, timeout=10
        )
        self._conn.row_factory = sqlite3.Row
        with self._lock:
            if path:
                self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.executescript(_SCHEMA)
            self._conn.execute(
                "INSERT INTO sqlite_sequence (name, seq) SELECT 'messages', ?"
                " WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'messages')",
                (_FIRST_MSGID,),
            )

    def use_code(self, code: str) -> bool:
        """Mark a login code used; False when it had been used already."""
        with self._lock:
            try:
                self._conn.execute(
                    "INSERT INTO used_codes (code, used_at) VALUES (?, ?)", (code, _now_iso())
                )
            except sqlite3.IntegrityError:
                return False
            return True

    def add_message(self, message: NewMessage) -> int:
        with self._lock:
            cursor = self._conn.execute(
                "INSERT INTO messages (touser, template_id, page, data_json,"
                " miniprogram_state, lang, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    message.touser,
                    message.template_id,
                    message.page,
                    json.dumps(message.data, ensure_ascii=False),
                    message.miniprogram_state,
                    message.lang,
                    _now_iso(),
                ),
            )
            rowid = cursor.lastrowid
            assert rowid is not None
            return rowid

    def messages(self, touser: str | None = None) -> list[dict[str, Any]]:
        """Sent messages, oldest first, optionally only those to one user."""
        query = "SELECT * FROM messages"
        params: tuple[str, ...] = ()
        if touser is not None:
            query += " WHERE touser = ?"
            params = (touser,)
        with self._lock:
            rows = self._conn.execute(query + " ORDER BY msgid", params).fetchall()
        return [
            {
                "msgid": row["msgid"],
                "touser": row["touser"],
                "template_id": row["template_id"],
                "page": row["page"],
                "data": json.loads(row["data_json"]),
                "miniprogram_state": row["miniprogram_state"],
                "lang": row["lang"],
                "sent_at": row["sent_at"],
            }
            for row in rows
        ]

    def reset(self) -> None:
        """Forget used codes and sent messages (msgids keep counting up)."""
        with self._lock:
            self._conn.execute("DELETE FROM used_codes")
            self._conn.execute("DELETE FROM messages")

    def close(self) -> None:
        with self._lock:
            self._conn.close()
