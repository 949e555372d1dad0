"""What a client writes in a URL, parsed within bounds the database and the calendar accept.

A number or a date past those bounds is the client's mistake: it parses as missing
(a query argument) or does not match the route (404), never as an error of ours.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from flask import abort, request
from werkzeug.routing import IntegerConverter, Map

# Ids in URLs are INTEGER columns (4 bytes): PostgreSQL refuses to compare one with a
# larger value, SQLite's driver anything past 8 bytes. The other numbers in query
# strings are page numbers: one this far, times a page size, still fits the 64-bit
# OFFSET it becomes. (A table keyed by BIGINT would route `<int(max=...):id>`.)
MAX_ID = 2**31 - 1
# Business dates live well inside the calendar, so that the day after, a shift to UTC
# or a year's arithmetic never leave it (Python's dates end at 9999-12-31).
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)

_DIGITS = re.compile(r"[0-9]{1,19}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_int(raw: str, default: int | None = None, maximum: int = MAX_ID) -> int | None:
    """A non-negative integer up to `maximum` written in ASCII digits, else `default`.

    `str.isdigit` would let through superscripts and other scripts' digits that
    `int()` then refuses.
    """
    if not _DIGITS.fullmatch(raw):
        return default
    value = int(raw)
    return value if value <= maximum else default


def parse_date(raw: str) -> date | None:
    """A YYYY-MM-DD date between EARLIEST_DATE and LATEST_DATE, else None."""
    if not _ISO_DATE.fullmatch(raw):
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:  # 2025-02-30 and the like
        return None
    return day if EARLIEST_DATE <= day <= LATEST_DATE else None


def local_path(target: str) -> str | None:
    """`target` when it is a path of this site ("/persons?page=2"), else None.

    Browsers read `//host`, `/\\host` and `\\\\host` as another site, and drop tabs and
    newlines before they read: so a local path starts with exactly one slash, holds no
    backslash and nothing unprintable, and has no scheme or host.
    """
    if not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or not target.isprintable():
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


def local_referrer() -> str | None:
    """The path of the page the browser came from, when that page is on this site."""
    try:
        parts = urlsplit(request.referrer or "")
    except ValueError:  # a malformed host, such as an unclosed IPv6 bracket
        return None
    if f"{parts.scheme}://{parts.netloc}/" != request.host_url:
        return None
    return local_path(parts.path + (f"?{parts.query}" if parts.query else ""))


FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def refuse_nul_characters() -> None:
    """Answer 400 to a NUL character in the path, a query or a form: PostgreSQL can
    neither store nor compare text holding one (its driver raises), so the request
    could only end in an error of ours."""
    fields = [*request.args.lists()]
    if request.mimetype in FORM_TYPES:
        fields += request.form.lists()
    texts = [request.path, *(text for key, values in fields for text in (key, *values))]
    if any("\x00" in text for text in texts):
        abort(400)


class DatabaseIntConverter(IntegerConverter):
    """`<int:...>` for ids: a value the database cannot hold names no row, so 404."""

    regex = r"[0-9]+"  # not `\d`, which also matches other scripts' digits

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
