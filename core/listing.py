"""Staff lists in numbered pages, then by cursor: one way for every list.

The first `NUMBERED_PAGES` pages are numbered. Counting is capped: at most
`NUMBERED_PAGES * per_page + 1` rows are counted, so a list of a million rows
costs no more to count than one of a thousand; beyond that the page says "20+
pages". Past the last numbered page the list goes on by keyset ("the rows after
this one", a signed cursor from core/paging.py), which costs the same on the
hundredth page as on the first. Each page is the same number of queries: the
capped count (numbered pages only) and the rows.

A page number that is not a page (0, -1, "abc", past the last) and a cursor not
made by this list are NotFound: a client's mistake answers 404, never 500.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from core.db import db
from core.errors import NotFound
from core.paging import CursorValue, InvalidCursor, cursor_codec
from core.params import parse_int

NUMBERED_PAGES = 20
MAX_PER_PAGE = 200

T = TypeVar("T")
S = TypeVar("S", bound=Select[Any])


def _no_such_page() -> NotFound:
    return NotFound("There is no such page or record.")


@dataclass(frozen=True)
class PageRequest:
    """Which page was asked for: a number (1 to NUMBERED_PAGES) or a cursor past them."""

    page: int = 1
    cursor: str | None = None
    per_page: int = 25

    @property
    def by_cursor(self) -> bool:
        return self.cursor is not None


def requested_page(
    args: Mapping[str, str], per_page: int = 25, *, per_page_arg: bool = False
) -> PageRequest:
    """The page `args` ask for (`page=`, `cursor=` and, when allowed, `per_page=`).

    An absent page is the first; a page that is not a number from 1 to
    NUMBERED_PAGES is NotFound."""
    if per_page_arg and args.get("per_page"):
        asked = parse_int(args.get("per_page", ""))
        if not asked:
            raise _no_such_page()
        per_page = min(asked, MAX_PER_PAGE)
    cursor = args.get("cursor") or None
    if cursor is not None:
        return PageRequest(NUMBERED_PAGES + 1, cursor, per_page)
    raw = args.get("page") or "1"
    page = parse_int(raw, None, maximum=NUMBERED_PAGES)
    if not page:
        raise _no_such_page()
    return PageRequest(page, None, per_page)


@dataclass(frozen=True)
class Listing(Generic[T]):
    """One page of a staff list, with what its pager shows."""

    items: list[T]
    page: int | None  # the number of a numbered page; None on a page past them
    pages: int  # the numbered pages there are (at most NUMBERED_PAGES)
    more: bool  # rows go on past the last numbered page
    total: int  # rows counted, at most NUMBERED_PAGES * per_page + 1
    per_page: int
    next_cursor: str | None  # the page after this one, when it is past the numbered ones

    @property
    def total_label(self) -> str:
        """The count as shown: exact, or "500+" when counting stopped."""
        return f"{self.total - 1}+" if self.more else str(self.total)


class Pager:
    """Pages one list: ordered newest first on `keys` (all descending, the last unique)."""

    def __init__(
        self,
        purpose: str,
        keys: Sequence[ColumnElement[Any] | InstrumentedAttribute[Any]],
        kinds: Sequence[type[CursorValue]],
        request: PageRequest,
    ) -> None:
        self.purpose = purpose
        self.keys = list(keys)
        self.kinds = list(kinds)
        self.request = request

    def count(self, query: Select[Any]) -> int:
        """The rows of `query`, counted up to the cap; no query on a page past the numbered ones."""
        if self.request.by_cursor:
            return 0
        cap = NUMBERED_PAGES * self.request.per_page + 1
        capped = query.order_by(None).limit(cap).subquery()
        return db.session.scalar(select(func.count()).select_from(capped)) or 0

    def window(self, query: S) -> S:
        """`query` ordered, narrowed to this page, one row more than a page (to know if
        another follows)."""
        ordered = query.order_by(*(key.desc() for key in self.keys))
        size = self.request.per_page
        if self.request.cursor is not None:
            try:
                after = cursor_codec(self.purpose).decode(self.request.cursor, *self.kinds)
            except InvalidCursor as error:
                raise _no_such_page() from error
            return ordered.where(tuple_(*self.keys) < tuple_(*after)).limit(size + 1)
        return ordered.offset((self.request.page - 1) * size).limit(size + 1)

    def listing(
        self, rows: Sequence[T], total: int, position: Callable[[T], tuple[CursorValue, ...]]
    ) -> Listing[T]:
        """The page made of `rows` (as `window` fetched them); `position` gives a row's keys.

        A numbered page past the last is NotFound (page 1 of an empty list is a page)."""
        size = self.request.per_page
        items = list(rows[:size])
        following = len(rows) > size
        codec = cursor_codec(self.purpose)
        if self.request.by_cursor:
            if not items:
                raise _no_such_page()
            return Listing(
                items=items,
                page=None,
                pages=NUMBERED_PAGES,
                more=True,
                total=NUMBERED_PAGES * size + 1,
                per_page=size,
                next_cursor=codec.encode(*position(items[-1])) if following else None,
            )
        pages = max(1, min(NUMBERED_PAGES, -(-total // size)))
        if self.request.page > pages:
            raise _no_such_page()
        more = total > NUMBERED_PAGES * size
        last_numbered = self.request.page == NUMBERED_PAGES
        return Listing(
            items=items,
            page=self.request.page,
            pages=pages,
            more=more,
            total=total,
            per_page=size,
            next_cursor=codec.encode(*position(items[-1]))
            if last_numbered and following and items
            else None,
        )


def page_of(
    query: Select[tuple[T]],
    pager: Pager,
    position: Callable[[T], tuple[CursorValue, ...]],
    *options: Any,
) -> Listing[T]:
    """A page of the entities `query` selects, in two queries (one past the numbered pages);
    `options` (eager loads) apply to the rows, not the count."""
    total = pager.count(query)
    rows = list(db.session.scalars(pager.window(query).options(*options)))
    return pager.listing(rows, total, position)


def pager_numbers(listing: Listing[Any], around: int = 3) -> list[int | None]:
    """The page numbers a pager shows: the first, the last, and those around the current
    one; None where numbers are left out."""
    if listing.page is None:
        return []
    shown = sorted(
        {1, listing.pages}
        | {n for n in range(listing.page - around, listing.page + around + 1) if 1 <= n}
    )
    shown = [n for n in shown if n <= listing.pages]
    out: list[int | None] = []
    for number in shown:
        if out and isinstance(out[-1], int) and number - out[-1] > 1:
            out.append(None)
        out.append(number)
    return out
