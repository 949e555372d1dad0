"""Keyset pages of the wing's staff lists (newest first), with the shared cursor codec."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute

from core.db import db
from core.paging import InvalidCursor, Page, cursor_codec

T = TypeVar("T")
PER_PAGE = 25


def id_page(
    query: Select[tuple[T]],
    id_column: InstrumentedAttribute[int],
    purpose: str,
    cursor: str | None,
    per_page: int = PER_PAGE,
) -> Page[T]:
    """One page of `query` by descending id. A cursor this list did not make (edited,
    forged, or from before a key change) starts again from the first page."""
    codec = cursor_codec(purpose)
    if cursor:
        try:
            (last_id,) = codec.decode(cursor, int)
        except InvalidCursor:
            last_id = None
        if last_id is not None:
            query = query.where(id_column < last_id)
    rows: list[Any] = list(db.session.scalars(query.order_by(id_column.desc()).limit(per_page + 1)))
    more = len(rows) > per_page
    rows = rows[:per_page]
    next_cursor = codec.encode(int(getattr(rows[-1], "id"))) if more else None  # noqa: B009
    return Page(rows, next_cursor)
