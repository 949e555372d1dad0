"""The one cursor codec of paged lists: opaque, url-safe, versioned, and checked."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from core.paging import CursorCodec, InvalidCursor

SECRET = "test-secret"


def _codec(purpose: str = "my-donations") -> CursorCodec:
    return CursorCodec(SECRET, purpose)


def _forge(body: list[object], purpose: str = "my-donations") -> str:
    """A cursor with a valid tag over any body: what only the server could make."""
    raw = json.dumps(body).encode()
    key = hmac.new(SECRET.encode(), f"cursor:{purpose}".encode(), hashlib.sha256).digest()
    tag = hmac.new(key, raw, hashlib.sha256).digest()[:12]
    return base64.urlsafe_b64encode(raw + tag).decode().rstrip("=")


def test_a_position_comes_back_as_it_was_given():
    moment = datetime(2026, 5, 1, 8, 30, 15, 123456, tzinfo=timezone(timedelta(hours=8)))
    cursor = _codec().encode(moment, "4f1c-donation")

    assert re.fullmatch(r"[A-Za-z0-9_-]+", cursor)
    decoded = _codec().decode(cursor, datetime, str)
    assert decoded == (moment, "4f1c-donation")
    assert decoded[0].tzinfo == UTC
    assert _codec("impact").decode(_codec("impact").encode(0), int) == (0,)


@pytest.mark.parametrize(
    "cursor",
    ["", "not-a-cursor", "QUJD", "!!!!", "a" * 600, "MTIz", "é"],
    ids=["empty", "words", "base64-text", "symbols", "too-long", "plain-number", "non-ascii"],
)
def test_garbage_is_refused(cursor):
    with pytest.raises(InvalidCursor):
        _codec().decode(cursor, datetime, str)


def test_a_truncated_cursor_is_refused():
    cursor = _codec().encode(datetime(2026, 5, 1, tzinfo=UTC), "4f1c-donation")

    for cut in (1, 2, 5, len(cursor) // 2):
        with pytest.raises(InvalidCursor):
            _codec().decode(cursor[:-cut], datetime, str)


def test_a_tampered_cursor_is_refused():
    cursor = _codec("impact").encode(1_000)
    raw = bytearray(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))

    for index in range(len(raw)):
        edited = bytearray(raw)
        edited[index] ^= 0x01
        forged = base64.urlsafe_b64encode(bytes(edited)).decode().rstrip("=")
        with pytest.raises(InvalidCursor):
            _codec("impact").decode(forged, int)


def test_a_cursor_belongs_to_its_list_and_its_secret():
    cursor = _codec("impact").encode(1_000)

    with pytest.raises(InvalidCursor):
        _codec("projects").decode(cursor, int)
    with pytest.raises(InvalidCursor):
        CursorCodec("another-secret", "impact").decode(cursor, int)


@pytest.mark.parametrize(
    ("body", "kinds"),
    [
        ([2, 10], (int,)),  # another version
        ([1, 10, 11], (int,)),  # more values than the list pages on
        ([1, -5], (int,)),  # a negative offset would page backwards
        ([1, 2**63], (int,)),  # beyond the database's integers
        ([1, True], (int,)),
        ([1, "2026-01-01T00:00:00", "x"], (datetime, str)),  # no timezone
        ([1, "0001-01-01T00:00:00+01:00", "x"], (datetime, str)),  # before year 1 in UTC
        ([1, "2026-01-01T00:00:00+00:00", "a\x00b"], (datetime, str)),
        ([1, "2026-01-01T00:00:00+00:00", "x" * 200], (datetime, str)),
        ({"v": 1}, (int,)),
    ],
)
def test_a_well_signed_cursor_must_still_hold_the_right_values(body, kinds):
    with pytest.raises(InvalidCursor):
        _codec().decode(_forge(body), *kinds)


def test_the_error_is_a_field_error_on_cursor():
    with pytest.raises(InvalidCursor) as refused:
        _codec().decode("not-a-cursor", int)

    assert (refused.value.code, refused.value.field) == ("invalid_field", "cursor")
