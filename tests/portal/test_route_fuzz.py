"""Every staff page answers a client's mistake with 404, 400 or a normal page, never 500.

The routes are read from the app's URL map, so a page added later is fuzzed too.
Generated values go into every path parameter and the common query arguments: huge
and negative integers (PostgreSQL refuses integers past 64 bits, SQLite past 63),
dates at the edges of the calendar, unicode, control characters and long strings.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from werkzeug.routing import Rule

from core.users import Role
from tests.factories import make_person, make_unit, make_user
from tests.pages import login
from tests.portal import test_web_harness as harness

web = harness.web

# Not staff pages: the mini-program API and the webhook have their own fuzzing
# (tests/api), static files and the health check take no input.
NOT_STAFF = ("/api/", "/static/", "/healthz")
QUERY_ARGS = (
    "page",
    "per_page",
    "since",
    "until",
    "date",
    "office",
    "status",
    "category",
    "kind",
    "queue",
    "q",
    "action",
    "actor",
    "object_type",
    "object_id",
    "next",
    "from",
    "to",
    "month",
    "format",
)
EDGE_INTS = [0, -1, 2**31 - 1, 2**31, 2**53, 2**63 - 1, 2**63, 2**64, 10**23]
EDGE_DATES = [
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2025-02-30",
    "2025-13-01",
    "0000-00-00",
    "+99999-01-01",
]

integers = st.one_of(
    st.sampled_from(EDGE_INTS), st.integers(min_value=-(2**80), max_value=2**80)
).map(str)
dates = st.one_of(st.sampled_from(EDGE_DATES), st.dates().map(lambda day: day.isoformat()))
texts = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=5),  # control characters
    st.sampled_from(["", " ", "０１２", "²", "١٢٣", "1e9", "NaN", "%00", "a" * 5000]),
)
values = st.one_of(integers, dates, texts)


def _staff_get_rules(app: Flask) -> list[Rule]:
    return sorted(
        (
            rule
            for rule in app.url_map.iter_rules()
            if "GET" in (rule.methods or ()) and not rule.rule.startswith(NOT_STAFF)
        ),
        key=lambda rule: rule.rule,
    )


def _url(rule: Rule, path_values: dict[str, str], query: dict[str, str]) -> str:
    path = re.sub(
        r"<(?:[^:<>]+:)?([^<>]+)>",
        lambda match: quote(path_values[match.group(1)], safe=""),
        rule.rule,
    )
    return f"{path}?{urlencode(query)}" if query else path


@pytest.mark.parametrize(
    ("url", "status"),
    [
        # Pages are numbered 1 to 20 (then by cursor): any other page number is no page.
        ("/persons?page=99999999999999999999999", 404),
        ("/persons?page=2147483648&office=²", 404),
        ("/persons?page=0", 404),
        ("/needs?page=21", 404),
        ("/donations?cursor=not-a-cursor", 404),
        ("/audit?page=-1", 404),
        ("/persons/99999999999999999999999", 404),
        ("/persons/2147483648", 404),  # past PostgreSQL's INTEGER
        ("/needs/9223372036854775808", 404),  # past SQLite's
        ("/allocations/99999999999999999999999", 404),
        ("/audit?until=9999-12-31&since=0001-01-01", 200),
        ("/audit?actor=%00", 400),
    ],
)
def test_the_reported_urls_answer_a_page_or_404(web, ctx, url, status):
    login(web, make_user(Role.ADMIN).username)

    assert web.get(url).status_code == status


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OFFICER])
def test_no_staff_page_answers_500_to_generated_input(web, ctx, app, role):
    office = make_unit()
    user = make_user(role, office)
    # Something to find, so that some generated ids hit real rows.
    make_person(make_user(Role.ADMIN), office)
    login(web, user.username)
    rules = _staff_get_rules(app)
    assert len(rules) > 20  # the enumeration itself works

    for rule in rules:
        _fuzz(web, rule)


def _fuzz(client, rule: Rule) -> None:
    @settings(
        max_examples=30 if rule.arguments else 15,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        path_values=st.fixed_dictionaries({name: values for name in rule.arguments}),
        query=st.dictionaries(st.sampled_from(QUERY_ARGS), values, max_size=4),
    )
    def answers_below_500(path_values: dict[str, str], query: dict[str, str]) -> None:
        url = _url(rule, path_values, query)
        note(url)
        assert client.get(url).status_code < 500, url

    answers_below_500()
