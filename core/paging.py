"""Cursors of paged lists: one codec for every list, whatever it pages on.

A cursor is opaque to clients: url-safe base64 of a versioned JSON array of the
position's values, followed by an HMAC tag bound to the list it belongs to. So a
garbage, truncated or edited cursor, or one taken from another list, is refused
with `InvalidCursor` rather than reaching the database as an odd value. Changing
the secret (or the version) only means clients start again from the first page.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from flask import current_app

from core.errors import ValidationFailed

VERSION = 1
MAX_INT = 2**62  # within every backend's BIGINT
MAX_TEXT = 128
MAX_CURSOR = 512
_TAG_BYTES = 12
_ALPHABET = re.compile(r"^[A-Za-z0-9_-]+$")

CursorValue = int | str | datetime
T = TypeVar("T")


# Written as a ValidationFailed call so that the catalogue's extraction finds the msgid.
_CURSOR_MESSAGE = ValidationFailed("The cursor is not valid: start the list again.").message


class InvalidCursor(ValidationFailed):
    """The cursor was not made by this list (or not by this platform at all)."""

    code = "invalid_field"

    def __init__(self) -> None:
        super().__init__(_CURSOR_MESSAGE, field="cursor")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list and the cursor of the next (None on the last page)."""

    items: list[T]
    next_cursor: str | None


class CursorCodec:
    """Encodes a list's position (ints, texts, aware datetimes) and checks it on the way back."""

    def __init__(self, secret: str | bytes, purpose: str) -> None:
        key = secret.encode() if isinstance(secret, str) else secret
        self._key = hmac.new(key, f"cursor:{purpose}".encode(), hashlib.sha256).digest()

    def _tag(self, body: bytes) -> bytes:
        return hmac.new(self._key, body, hashlib.sha256).digest()[:_TAG_BYTES]

    def encode(self, *values: CursorValue) -> str:
        body = json.dumps(
            [VERSION, *(_plain(value) for value in values)], separators=(",", ":")
        ).encode()
        return base64.urlsafe_b64encode(body + self._tag(body)).decode().rstrip("=")

    def decode(self, cursor: str, *kinds: type[CursorValue]) -> tuple[Any, ...]:
        """The values `encode` was given, each checked to be of its `kinds` entry (so the
        caller may unpack them as those types)."""
        if not 0 < len(cursor) <= MAX_CURSOR or not _ALPHABET.match(cursor):
            raise InvalidCursor
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        except (binascii.Error, ValueError) as error:
            raise InvalidCursor from error
        body, tag = raw[:-_TAG_BYTES], raw[-_TAG_BYTES:]
        if len(raw) <= _TAG_BYTES or not hmac.compare_digest(tag, self._tag(body)):
            raise InvalidCursor
        try:
            decoded = json.loads(body)
        except (ValueError, UnicodeDecodeError) as error:
            raise InvalidCursor from error
        if not isinstance(decoded, list) or decoded[:1] != [VERSION]:
            raise InvalidCursor
        values = decoded[1:]
        if len(values) != len(kinds):
            raise InvalidCursor
        return tuple(_typed(value, kind) for value, kind in zip(values, kinds, strict=True))


def cursor_codec(purpose: str) -> CursorCodec:
    """The codec of one list (`purpose` names it), keyed by the application's secret."""
    return CursorCodec(current_app.config["SECRET_KEY"], purpose)


def _plain(value: CursorValue) -> int | str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("cursor datetimes are timezone-aware")
        return value.astimezone(UTC).isoformat()
    return value


def _typed(value: object, kind: type[CursorValue]) -> CursorValue:
    # bool is an int to Python, never a position.
    if kind is int and isinstance(value, int) and not isinstance(value, bool):
        if 0 <= value <= MAX_INT:
            return value
    elif kind is str and isinstance(value, str):
        if len(value) <= MAX_TEXT and "\x00" not in value:
            return value
    elif kind is datetime and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is not None:
                return moment.astimezone(UTC)
        except (ValueError, OverflowError):
            pass
    raise InvalidCursor
