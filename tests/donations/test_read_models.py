"""Read models of the money pages: they read, never write, and cost the same few queries
whatever the number of pools or needs."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from core.db import db
from core.users import Role
from donations.ledger.models import Account
from donations.ledger.services import need_balances_fen, pool_balance_fen, pool_balances_fen
from donations.projects.models import Pool
from donations.projects.queries import pool_summaries
from tests.donations.factories import (
    add_pool,
    default_pool_id,
    fill_pool,
    give,
    list_need,
)
from tests.donations.factories import (
    make_project as make_money_project,
)
from tests.factories import (
    make_office,
    make_staff,
)
from tests.pages import login_in_english

pytestmark = pytest.mark.usefixtures("ctx")


def _accounts() -> int:
    return db.session.scalar(select(func.count()).select_from(Account)) or 0


def _statements(connection: Connection, request: Callable[[], object]) -> int:
    executed: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _executemany) -> None:
        executed.append(statement)

    event.listen(connection, "before_cursor_execute", record)
    try:
        request()
    finally:
        event.remove(connection, "before_cursor_execute", record)
    # Savepoints belong to the test harness's transaction, not to the page.
    return len([s for s in executed if not s.startswith(("SAVEPOINT", "ROLLBACK", "RELEASE"))])


def _browser(app: Flask, role: Role) -> FlaskClient:
    browser = app.test_client()
    login_in_english(browser, make_staff(role).username)
    return browser


@pytest.fixture()
def project_id() -> str:
    return make_money_project(make_staff(Role.ADMIN))


def test_reading_balances_opens_no_account(project_id):
    never_posted = db.session.get_one(Pool, add_pool(project_id, "助学基金"))
    before = _accounts()

    assert pool_balance_fen(never_posted) == 0
    assert pool_balances_fen([never_posted.id, default_pool_id(project_id)]) == {
        never_posted.id: 0,
        default_pool_id(project_id): 0,
    }
    assert need_balances_fen(["no-such-listing"]) == {"no-such-listing": 0}
    assert _accounts() == before


def test_pool_summaries_give_each_pool_its_balance_and_latest_entries(project_id):
    school = add_pool(project_id, "助学基金", categories=["education"])
    empty = add_pool(project_id, "医疗基金")
    give(project_id, 30_000)
    fill_pool(school, 12_000)
    fill_pool(school, 8_000)

    summaries = {s.pool.id: s for s in pool_summaries(history=1)}

    default = default_pool_id(project_id)
    # The default pool got 30,000 + 20,000 in gifts and passed 20,000 on to the school pool.
    assert summaries[default].balance_fen == 30_000
    assert summaries[school].balance_fen == 20_000
    assert (summaries[empty].balance_fen, summaries[empty].history) == (0, [])
    # Only the latest entry of each pool, signed as the pool's line: credit in, debit out.
    [latest] = summaries[school].history
    assert (latest.kind, latest.amount_fen, latest.certificate_no) == ("redirect", -8_000, None)
    [default_latest] = summaries[default].history
    assert (default_latest.kind, default_latest.amount_fen) == ("redirect", 8_000)
    assert len(pool_summaries(history=30)[0].history) >= 3


def test_the_pools_page_opens_no_account_and_commits_nothing(app, project_id):
    add_pool(project_id, "助学基金")
    give(project_id, 10_000)
    browser = _browser(app, Role.FINANCE)
    accounts = _accounts()
    commits: list[Session] = []

    def count_commit(session: Session) -> None:
        commits.append(session)

    event.listen(Session, "after_commit", count_commit)
    try:
        page = browser.get("/pools")
    finally:
        event.remove(Session, "after_commit", count_commit)

    assert page.status_code == 200
    assert re.findall(r'<strong class="pool-balance">(.*?)</strong>', page.get_data(as_text=True))[
        -2:
    ] == ["¥100.00", "¥0.00"]
    assert commits == []
    assert _accounts() == accounts


def _pools_with_entries(project_id: str, count: int) -> None:
    for n in range(count):
        fill_pool(add_pool(project_id, f"专项基金{n}"), 1_000 + n)


def test_the_pools_page_costs_the_same_queries_for_2_or_8_pools(app, connection, project_id):
    browser = _browser(app, Role.FINANCE)
    _pools_with_entries(project_id, 2)
    browser.get("/pools")  # warm up: first-request work is not the page's

    few = _statements(connection, lambda: browser.get("/pools"))
    _pools_with_entries(project_id, 6)
    many = _statements(connection, lambda: browser.get("/pools"))

    assert few == many
    page = browser.get("/pools").get_data(as_text=True)
    assert len(re.findall(r'class="pool-balance"', page)) >= 9


def test_the_payout_form_reads_every_balance_at_once(app, connection, project_id):
    office = make_office()
    browser = _browser(app, Role.FINANCE)

    def fund_needs(count: int) -> None:
        for _ in range(count):
            listing = list_need(office, project_id, 5_000)
            give(project_id, 5_000, listing_id=listing)

    fund_needs(1)
    browser.get("/disbursements")
    few = _statements(connection, lambda: browser.get("/disbursements"))
    fund_needs(5)
    many = _statements(connection, lambda: browser.get("/disbursements"))

    assert few == many
    page = browser.get("/disbursements").get_data(as_text=True)
    assert page.count("· ¥50.00</option>") == 6
