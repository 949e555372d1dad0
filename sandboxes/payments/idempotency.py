"""Idempotency keys: the first answer to a key is kept and replayed to its repeats."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from dataclasses import dataclass
from typing import Any

from .forms import FormDict

JSONObject = dict[str, Any]

MAX_KEY_LENGTH = 255
# Stripe forgets keys after 24 hours.
KEEP_FOR_S = 24 * 3600.0


@dataclass(frozen=True)
class SavedAnswer:
    fingerprint: str
    request_id: str
    status: int
    body: JSONObject


def fingerprint(method: str, path: str, data: FormDict) -> str:
    """Same endpoint and same parameters, whatever their order on the wire."""
    canonical = json.dumps([method, path, data], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def find_answer(conn: sqlite3.Connection, api_key: str, key: str) -> SavedAnswer | None:
    row = conn.execute(
        "SELECT fingerprint, request_id, status, body FROM idempotency_keys"
        " WHERE api_key_hash = ? AND key = ?",
        (_hash(api_key), key),
    ).fetchone()
    if row is None:
        return None
    return SavedAnswer(
        row["fingerprint"], row["request_id"], row["status"], json.loads(row["body"])
    )


def save_answer(
    conn: sqlite3.Connection,
    api_key: str,
    key: str,
    answer: SavedAnswer,
) -> None:
    # The primary key makes a second writer of one key fail loudly instead of
    # silently keeping two different answers.
    conn.execute(
        "INSERT INTO idempotency_keys (api_key_hash, key, fingerprint, request_id, status, body,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            _hash(api_key),
            key,
            answer.fingerprint,
            answer.request_id,
            answer.status,
            json.dumps(answer.body),
            time.time(),
        ),
    )


def forget_old_answers(conn: sqlite3.Connection) -> int:
    cursor = conn.execute(
        "DELETE FROM idempotency_keys WHERE created_at < ?", (time.time() - KEEP_FOR_S,)
    )
    return cursor.rowcount


def _hash(api_key: str) -> str:
    # Namespaces keys per API key without writing the key itself to disk.
    return hashlib.sha256(api_key.encode()).hexdigest()
