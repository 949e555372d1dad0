"""Staff lists: numbered pages up to 20, then by cursor, in as many queries on every page.

The number of SQL statements a list page runs is counted on the test's connection: page
1, page 3 and page 20 run the same number, with few rows or more; a page past the
numbered ones runs one fewer (it counts nothing). A list that loaded something per row
(an N+1) or counted every row would show here as a number that grows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Connection

from core.listing import NUMBERED_PAGES
from core.orgs import OrgUnit
from core.users import Role, User
from tests.donations.factories import give, make_project
from tests.factories import fresh, make_need, make_person, make_unit, make_user
from tests.pages import login
from tests.portal import test_web_harness as harness
from tests.volunteers.factories import make_volunteer

web = harness.web

NEXT_CURSOR = re.compile(r'href="([^"]*cursor=[^"]+)"')


@contextmanager
def counting(connection: Connection) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", record)


def statements(web, connection: Connection, url: str) -> int:
    # Once unmeasured: the first request after a while also notes the staff session as
    # still in use, a write of its own that is not the list's.
    assert web.get(url).status_code == 200
    with counting(connection) as seen:
        response = web.get(url)
    assert response.status_code == 200, url
    return len(seen)


def cursor_url(web, url: str) -> str:
    found = NEXT_CURSOR.search(web.get(url).get_data(as_text=True))
    assert found is not None, f"no cursor link on {url}"
    return found.group(1).replace("&amp;", "&")


# Rows are made between requests, and each request ends its session: the makers take
# ids and load what they need afresh.


def _people(admin_id: int, office_id: int) -> Callable[[int], None]:
    # In offices of their own, so that an office loaded row by row would show.
    def add(n: int) -> None:
        admin = fresh(User, admin_id)
        for i in range(n):
            make_person(admin, fresh(OrgUnit, office_id) if i % 2 else make_unit())

    return add


def _needs(admin_id: int, office_id: int) -> Callable[[int], None]:
    officer_id = make_user(Role.ADMIN).id

    def add(n: int) -> None:
        for _ in range(n):
            person = make_person(fresh(User, admin_id), make_unit())
            make_need(fresh(User, officer_id), person)

    return add


def _donations(admin_id: int, office_id: int) -> Callable[[int], None]:
    def add(n: int) -> None:
        for i in range(n):
            give(make_project(fresh(User, admin_id)), 1_000 + i)

    return add


def _audit(admin_id: int, office_id: int) -> Callable[[int], None]:
    # Each person registered is an audit entry (and reading the log is one more).
    return _people(admin_id, office_id)


def _volunteers(admin_id: int, office_id: int) -> Callable[[int], None]:
    def add(n: int) -> None:
        for _ in range(n):
            make_volunteer()

    return add


LISTS = {
    "/volunteers": _volunteers,
    "/persons": _people,
    "/needs": _needs,
    "/donations": _donations,
    "/audit": _audit,
}


@pytest.mark.parametrize("path", list(LISTS))
def test_a_list_page_runs_as_many_queries_on_every_page_whatever_the_rows(
    web, ctx, connection, path
):
    admin = make_user(Role.ADMIN)
    add = LISTS[path](admin.id, make_unit().id)
    login(web, admin.username)
    add(3)
    one_row = statements(web, connection, f"{path}?per_page=1")
    third = statements(web, connection, f"{path}?per_page=1&page=3")
    # More rows, and more on a page; at one row a page, more than the 20 numbered pages.
    add(NUMBERED_PAGES)
    five_rows = statements(web, connection, f"{path}?per_page=5")
    third_of_five = statements(web, connection, f"{path}?per_page=5&page=3")
    last_numbered = statements(web, connection, f"{path}?per_page=1&page={NUMBERED_PAGES}")
    past = statements(web, connection, cursor_url(web, f"{path}?per_page=1&page={NUMBERED_PAGES}"))

    assert one_row == third == five_rows == third_of_five == last_numbered
    assert past == one_row - 1  # no count past the numbered pages


def test_the_pager_numbers_pages_caps_the_count_and_goes_on_by_cursor(web, ctx):
    admin = make_user(Role.ADMIN)
    office_id = make_unit().id
    _people(admin.id, office_id)(NUMBERED_PAGES + 3)
    login(web, admin.username)

    first = web.get("/persons?per_page=1&status=active").get_data(as_text=True)
    assert 'aria-current="page">1<' in first
    assert f"{NUMBERED_PAGES}+" in first  # 23 people, counted no further than 21
    assert "cursor=" not in first

    last = web.get(f"/persons?per_page=1&status=active&page={NUMBERED_PAGES}")
    url = cursor_url(web, f"/persons?per_page=1&status=active&page={NUMBERED_PAGES}")
    assert "status=active" in url  # the filters stay
    assert last.status_code == 200

    seen: list[str] = []
    while url:
        page = web.get(url).get_data(as_text=True)
        seen += re.findall(r'href="/persons/(\d+)"', page)
        found = NEXT_CURSOR.search(page)
        url = found.group(1).replace("&amp;", "&") if found else ""
    # Past page 20, pages 21, 22 and 23 each show one person, older and older, then stop.
    assert len(seen) == 3 and seen == sorted(seen, key=int, reverse=True)


@pytest.mark.parametrize(
    "query", ["page=0", "page=-1", "page=abc", "page=21", "page=2", "per_page=0", "cursor=x"]
)
def test_a_page_that_is_not_there_answers_404(web, ctx, query):
    admin = make_user(Role.ADMIN)
    _people(admin.id, make_unit().id)(2)
    login(web, admin.username)

    assert web.get(f"/persons?{query}").status_code == 404


def test_a_cursor_of_another_list_answers_404(web, ctx):
    admin = make_user(Role.ADMIN)
    _people(admin.id, make_unit().id)(NUMBERED_PAGES + 2)
    login(web, admin.username)
    url = cursor_url(web, f"/persons?per_page=1&page={NUMBERED_PAGES}")
    cursor = url.split("cursor=")[1].split("&")[0]

    assert web.get(f"/needs?cursor={cursor}").status_code == 404
    assert web.get(f"/persons?cursor={cursor}").status_code == 200
