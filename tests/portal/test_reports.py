"""`/reports`: every chart draws what its table shows; who sees which figures, within scope;
small cells merged for viewers outside casework; bad dates explained, never a 500;
charts that load nothing from outside and run no script; a fixed number of queries."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pygal
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Connection

from core.reports.charts import SVG_CSP
from core.timeutil import local_today
from core.users import Role
from tests.factories import TOWN_A, TOWN_B, make_office, make_staff, make_user, published_need
from tests.pages import html, login
from tests.portal import test_web_harness as harness
from tests.reports_support import drawn_values, legend, money_scenario, outside_addresses, tables

web = harness.web

MONEY = ["raised-per-day", "raised-per-month", "fund-balances", "projects", "towns-money"]
CASEWORK = ["needs-by-category", "needs-by-town", "time-to-funding"]
WINGS = ["training-funnel", "base-hours", "volunteer-hours"]
EVERY = [*MONEY, *CASEWORK, "fairness", *WINGS]
SMALL = {TOWN_A: 1, TOWN_B: 4, "水口镇": 3}


def sections_on(page: str) -> list[str]:
    return re.findall(r'<section class="panel report" id="report-([a-z0-9-]+)"', page)


def check_chart_matches_table(client, key: str, query: str = "") -> int:
    """The chart of a section draws, for every series, exactly the values its table shows;
    answers how many values were compared."""
    page = html(client.get(f"/reports/{key}{query}"))
    rows = tables(page)[f"table-{key}"]
    header = rows[0]
    body = [row for row in rows[1:] if len(row) == len(header) and row[0] != "合计"]
    answer = client.get(f"/reports/{key}/chart.svg{query}")
    assert answer.status_code == 200 and answer.mimetype == "image/svg+xml"
    drawn = drawn_values(answer.data)
    names = legend(answer.data)
    compared = 0
    for index, name in enumerate(names):
        column = header.index(name)
        for row in body:
            shown = row[column]
            if shown == "—":
                assert row[0] not in drawn.get(index, {}), (key, name, row[0])
            else:
                assert drawn[index][row[0]] == shown, (key, name, row[0])
                compared += 1
    return compared


@pytest.fixture()
def scenario(ctx, tmp_path):
    return money_scenario(SMALL, tmp_path)


def test_every_chart_draws_what_its_table_shows(web, scenario):
    login(web, make_staff(Role.ADMIN).username)

    assert sections_on(html(web.get("/reports"))) == EVERY
    compared = sum(check_chart_matches_table(web, key) for key in EVERY)

    assert compared > 100


def test_admin_sees_the_money_of_each_town_unmerged(web, scenario):
    login(web, make_staff(Role.ADMIN).username)

    rows = tables(html(web.get("/reports/towns-money")))["table-towns-money"]

    by_town = {row[0]: row for row in rows[1:]}
    assert by_town[TOWN_A][1:] == ["¥1,000.00", "¥1,000.00", "1", "1"]
    assert by_town[TOWN_B][1:] == ["¥4,000.00", "¥4,000.00", "4", "4"]


@pytest.mark.parametrize("role", [Role.FINANCE, Role.COORDINATOR])
def test_outside_casework_no_town_shows_one_or_two_people(web, scenario, role):
    login(web, make_staff(role).username)
    page = html(web.get("/reports"))

    wings = {Role.FINANCE: [], Role.COORDINATOR: WINGS}[role]
    assert sections_on(page) == [*MONEY, "fairness", *wings]
    found = tables(page)
    for key, people_columns in (("towns-money", (3, 4)), ("fairness", (2, 3))):
        rows = found[f"table-{key}"][1:]
        assert TOWN_A not in [row[0] for row in rows]
        assert "其他镇街" in [row[0] for row in rows]
        for row in rows:
            for column in people_columns:
                assert int(row[column].replace(",", "")) not in (1, 2), (key, row)
    towns = {row[0]: row for row in found["table-towns-money"][1:]}
    # 赤坎镇's one person and 水口镇's three (the next smallest) are shown together.
    assert towns["其他镇街"][1:] == ["¥4,000.00", "¥4,000.00", "4", "4"]
    assert towns[TOWN_B][3] == "4"
    for key in CASEWORK:
        assert web.get(f"/reports/{key}").status_code == 404
        assert web.get(f"/reports/{key}/chart.svg").status_code == 404


def test_an_officer_sees_the_casework_of_their_office_only(web, scenario):
    officer = scenario.officer(TOWN_B)
    login(web, officer.username)
    page = html(web.get("/reports"))

    assert sections_on(page) == [*CASEWORK, "fairness", "training-funnel", "base-hours"]
    by_town = tables(page)["table-needs-by-town"]
    assert [row[0] for row in by_town[1:-1]] == [TOWN_B]
    assert by_town[1][1:4] == ["¥4,000.00", "¥4,000.00", "4"]
    fairness = tables(page)["table-fairness"]
    assert [row[0] for row in fairness[1:]] == [TOWN_B]
    for key in MONEY:
        assert web.get(f"/reports/{key}").status_code == 404
        assert web.get(f"/reports/{key}/chart.svg").status_code == 404


def test_an_officer_sees_small_figures_of_their_own_office(web, scenario):
    """Within casework nothing is merged: the office's one person is its own figure."""
    login(web, scenario.officer(TOWN_A).username)

    rows = tables(html(web.get("/reports/fairness")))["table-fairness"]

    assert rows[1][0] == TOWN_A and rows[1][1] == "¥1,000.00" and rows[1][2] == "1"


def test_casework_figures_count_needs_and_funding(web, ctx):
    office = make_office(TOWN_A)
    published_need(office, amount_fen=50_000, category="medical")
    published_need(office, amount_fen=30_000, category="housing")
    login(web, office.author.username)

    rows = tables(html(web.get("/reports/needs-by-category")))["table-needs-by-category"]

    by_category = {row[0]: row for row in rows[1:]}
    assert by_category["医疗救助"][1:5] == ["¥500.00", "¥0.00", "1", "1"]
    assert by_category["住房"][1:5] == ["¥300.00", "¥0.00", "1", "1"]
    assert by_category["法律援助"][1:5] == ["¥0.00", "¥0.00", "0", "0"]
    assert rows[-1][:4] == ["合计", "¥800.00", "¥0.00", "2"]


def test_time_to_funding_reads_the_first_submission_and_funding(web, scenario):
    login(web, make_staff(Role.ADMIN).username)
    month = local_today().strftime("%Y-%m")

    rows = tables(html(web.get("/reports/time-to-funding")))["table-time-to-funding"]

    [this_month] = [row for row in rows[1:] if row[0] == month]
    assert this_month[1:] == ["0.0", "0.0", "8"]


def test_a_training_partner_sees_the_training_funnel_only(web, ctx):
    login(web, make_user(Role.TRAINING_PARTNER).username)

    assert sections_on(html(web.get("/reports"))) == ["training-funnel"]
    assert web.get("/reports/fairness").status_code == 404
    assert web.get("/reports/fairness/chart.svg").status_code == 404


def test_a_base_contact_has_no_reports(web, ctx):
    login(web, make_user(Role.BASE_CONTACT).username)

    assert web.get("/reports").status_code == 404
    assert web.get("/reports/base-hours/chart.svg").status_code == 404


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-13-01", "", "日期格式应为"),
        ("2026-02-30", "", "日期格式应为"),
        ("20260101", "", "日期格式应为"),
        ("", "9999-99-99", "日期格式应为"),
        ("2026-05-02", "2026-05-01", "开始日期晚于结束日期"),
        ("2001-01-01", "2026-01-01", "最长为三年"),
    ],
)
def test_bad_dates_get_a_chinese_message_never_a_500(web, ctx, start, end, message):
    login(web, make_staff(Role.ADMIN).username)
    query = {"from": start, "to": end}

    page = web.get("/reports", query_string=query)
    alone = web.get("/reports/projects", query_string=query)
    chart = web.get("/reports/projects/chart.svg", query_string=query)

    assert page.status_code == alone.status_code == 200
    assert message in html(page) and message in html(alone)
    assert 'id="range-error"' in html(page)
    assert chart.status_code == 400 and message in chart.get_data(as_text=True)


def test_a_chosen_range_is_kept_and_drawn(web, scenario):
    login(web, make_staff(Role.ADMIN).username)
    today = local_today()
    start = today - timedelta(days=6)
    query = f"?from={start.isoformat()}&to={today.isoformat()}"

    rows = tables(html(web.get(f"/reports/raised-per-day{query}")))["table-raised-per-day"]

    assert [row[0] for row in rows[1:-1]] == [
        (start + timedelta(days=n)).isoformat() for n in range(7)
    ]
    assert rows[-1][1] == "¥8,000.00"
    assert check_chart_matches_table(web, "raised-per-day", query) == 14


def test_charts_run_no_script_and_carry_their_own_policy(web, scenario):
    login(web, make_staff(Role.ADMIN).username)

    page = web.get("/reports")
    for key in EVERY:
        svg = web.get(f"/reports/{key}/chart.svg")
        assert svg.headers["Content-Security-Policy"] == SVG_CSP
        assert b"<script" not in svg.data and b"<!--" not in svg.data
        assert f'<img src="/reports/{key}/chart.svg?from=' in html(page)
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "<script" not in html(page) and "style=" not in html(page)


def test_nothing_the_reports_serve_points_outside(web, scenario):
    for role in (Role.ADMIN, Role.FINANCE, Role.OFFICER):
        user = scenario.officer(TOWN_B) if role == Role.OFFICER else make_staff(role)
        client = harness.new_client(web.application)
        login(client, user.username)
        page = html(client.get("/reports"))
        assert outside_addresses(page) == []
        for key in sections_on(page):
            assert outside_addresses(html(client.get(f"/reports/{key}"))) == []
            svg = client.get(f"/reports/{key}/chart.svg").get_data(as_text=True)
            assert outside_addresses(svg, svg=True) == [], key


def test_the_outside_address_check_catches_pygals_own_defaults():
    """pygal left to itself loads its tooltip script from GitHub and names its site."""
    default = pygal.Bar().render().decode()
    protocol_relative = (
        '<svg xmlns="http://www.w3.org/2000/svg"><image href="//x.org/a.png"/></svg>'
    )

    assert "https://kozea.github.io/pygal.js/2.0.x/pygal-tooltips.min.js" in outside_addresses(
        default, svg=True
    )
    assert outside_addresses(protocol_relative, svg=True) == ['href="//']
    assert outside_addresses('<a href="http://127.0.0.1:5000/x">localhost</a>') == []


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


@pytest.mark.parametrize("url", ["/reports", "/reports/fairness/chart.svg"])
def test_reports_run_the_same_number_of_queries_whatever_the_data(
    web, ctx, connection, tmp_path, url
):
    money_scenario({TOWN_A: 1, TOWN_B: 1}, tmp_path)
    login(web, make_staff(Role.ADMIN).username)
    web.get(url)  # warm up

    small = _statements(connection, lambda: web.get(url))
    money_scenario({TOWN_A: 3, TOWN_B: 4, "月山镇": 2}, tmp_path)
    large = _statements(connection, lambda: web.get(url))

    assert large == small
