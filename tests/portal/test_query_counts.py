"""List pages and the dashboard run the same number of SQL statements whatever the data size."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Connection

from core.db import db
from core.orgs import OrgUnit
from core.users import Role, User
from tests.factories import make_need, make_person, make_unit, make_user
from tests.pages import html, login
from tests.portal import test_web_harness as harness

web = harness.web

PAGES = {
    "people": ("/persons?per_page=50", re.compile(r'href="/persons/\d+"')),
    "needs": ("/needs", re.compile(r'href="/needs/\d+"')),
    # Searched and filtered: still a count and a page of rows, whatever matches.
    "needs_filtered": (
        "/needs?q=%E5%8C%BB%E7%96%97&category=medical&town=%E8%B5%A4%E5%9D%8E%E9%95%87&status=draft",
        re.compile(r'href="/needs/\d+"'),
    ),
    "dashboard": ("/", re.compile(r'href="/persons\?office=\d+"')),
}


def _statements(connection: Connection, request: Callable[[], object]) -> int:
    executed: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _executemany) -> None:
        executed.append(statement)

    event.listen(connection, "before_cursor_execute", record)
    try:
        request()
    finally:
        event.remove(connection, "before_cursor_execute", record)
    return len(executed)


def _add_people(officer_id: int, office_ids: list[int], n: int) -> None:
    """People spread over the offices, each with a need (by id: earlier objects are detached)."""
    officer = db.session.get(User, officer_id)
    offices = [db.session.get(OrgUnit, office_id) for office_id in office_ids]
    assert officer is not None
    for i in range(n):
        office = offices[i % len(offices)]
        assert office is not None
        person = make_person(officer, office, name=f"张{i}明")
        make_need(officer, person)


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ADMIN])
@pytest.mark.parametrize("page", PAGES)
def test_page_query_count_does_not_grow_with_the_data(web, ctx, connection, page, role):
    url, rows = PAGES[page]
    bureau = make_unit(kind="bureau", town=None)
    offices = [make_unit(town=t, parent=bureau).id for t in ("赤坎镇", "水口镇", "月山镇")]
    # A bureau-scoped officer sees every office under the bureau: several offices per page.
    officer = make_user(Role.OFFICER, bureau)
    viewer = officer if role == Role.OFFICER else make_user(Role.ADMIN)
    officer_id, username = officer.id, viewer.username
    _add_people(officer_id, offices, 5)
    login(web, username)
    web.get(url)  # warm up: first-request work (caches, catalogues) is not the page's

    small = _statements(connection, lambda: web.get(url))
    small_rows = len(rows.findall(html(web.get(url))))
    _add_people(officer_id, offices, 35)
    large = _statements(connection, lambda: web.get(url))
    large_rows = len(rows.findall(html(web.get(url))))

    assert large == small
    if page != "dashboard":
        assert large_rows > small_rows
    else:
        assert large_rows == small_rows == len(offices)
