"""No page, chart, stylesheet or script of the platform loads or links anything from another
site: it must work with no internet (docs/reports.md, Charts). Every page without a
parameter is rendered for each kind of account, with records to show; each must carry no
`http(s)://` address of another host and no protocol-relative `//host` link. The static
files are read from disk. (Every answer any test receives is also scanned, and judged at
the end of a whole run: tests/session_checks.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from core.users import Role
from tests.addresses import outside_addresses
from tests.factories import TOWN_B, make_staff
from tests.pages import html, login
from tests.portal import test_web_harness as harness
from tests.reports_support import money_scenario

web = harness.web
ROOT = Path(__file__).resolve().parents[2]
# Not pages: the mini-program API and webhooks answer JSON; files and downloads are not
# read by a browser as pages; signing out ends the session the walk needs.
NOT_PAGES = ("/api/", "/static/", "/healthz", "/logout", "/lang/")


def _pages(app: Flask) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ())
        and not rule.arguments
        and not rule.rule.startswith(NOT_PAGES)
        and "/static" not in rule.rule
        and not rule.rule.endswith(("export", ".csv", ".xlsx", ".png", ".pdf"))
    )


def test_the_walk_finds_the_pages(app):
    pages = _pages(app)
    assert {"/", "/reports", "/persons", "/needs", "/audit", "/disclosure"} <= set(pages)


@pytest.mark.parametrize(
    "role", [Role.ADMIN, Role.OFFICER, Role.FINANCE, Role.COORDINATOR, Role.AUDITOR]
)
def test_no_page_points_to_another_site(web, ctx, tmp_path, role):
    scenario = money_scenario({TOWN_B: 3}, tmp_path)
    user = scenario.officer(TOWN_B) if role == Role.OFFICER else make_staff(role)
    login(web, user.username)
    walked = 0
    for path in _pages(web.application):
        answer = web.get(path)
        if answer.status_code != 200 or answer.mimetype != "text/html":
            continue
        walked += 1
        assert outside_addresses(html(answer)) == [], path
    assert walked >= 5


def test_signed_out_pages_point_nowhere_else(web, ctx):
    for path in ("/login", "/disclosure"):
        answer = web.get(path)
        assert answer.status_code == 200
        assert outside_addresses(html(answer)) == [], path


def test_no_stylesheet_or_script_points_to_another_site():
    files = [
        path
        for folder in ("portal", "donations", "jobs_bases", "volunteers")
        for path in (ROOT / folder).rglob("static/**/*")
        if path.suffix in (".css", ".js", ".svg", ".html")
    ]
    assert files
    for path in files:
        assert outside_addresses(path.read_text(encoding="utf-8")) == [], path


def test_the_check_finds_an_outside_address():
    assert outside_addresses('<link href="https://cdn.example.com/a.css">') == [
        "https://cdn.example.com/a.css"
    ]
    assert outside_addresses('<script src="//cdn.example.com/a.js"></script>') == ['src="//']
    assert outside_addresses('<a href="http://localhost/x">x</a>') == []
