"""A search by name, ID or phone number is posted, audited, and kept out of URLs."""

from __future__ import annotations

from core.users import Role
from tests.factories import audit_events, make_person, make_unit, make_user
from tests.pages import html, login
from tests.portal import test_web_harness as harness

web = harness.web


def _setup() -> tuple[str, int, str]:
    office = make_unit()
    officer = make_user(Role.OFFICER, office)
    person = make_person(officer, office, name="关家豪", phone="13600003333")
    return officer.username, person.id, person.id_number or ""


def test_searching_by_id_number_posts_and_is_audited_without_the_number(web, ctx):
    username, person_id, id_number = _setup()
    login(web, username)

    response = web.post("/persons", data={"q": id_number})

    assert response.status_code == 200
    assert f"/persons/{person_id}" in html(response)
    searches = audit_events("person.search")
    assert [(e.detail["by"], e.detail["matches"]) for e in searches] == [("id_number", 1)]
    assert id_number not in str(searches[0].detail)


def test_an_identity_query_in_the_url_is_ignored(web, ctx):
    username, _, _ = _setup()
    login(web, username)

    page = html(web.get("/persons?q=13600003333"))

    # No search ran and nothing was audited: the list is the unfiltered one.
    assert audit_events("person.search") == []
    assert 'value="13600003333"' not in page


def test_search_pages_keep_the_number_out_of_links(web, ctx):
    username, _, _ = _setup()
    login(web, username)

    page = html(web.post("/persons", data={"q": "13600003333"}))

    assert "q=13600003333" not in page
    assert "?q=" not in page


def test_the_search_form_posts_with_its_token(web, ctx):
    username, _, _ = _setup()
    login(web, username)
    page = html(web.get("/persons"))
    assert 'method="post" action="/persons" class="filters"' in page
    assert 'name="csrf_token"' in page
