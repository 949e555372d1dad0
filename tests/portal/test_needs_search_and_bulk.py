"""The needs list: search by number or title, filters within scope, and reviewing several
needs at once (each reviewed on its own, the four-eyes rule held per need)."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from core.audit_actions import AuditAction
from core.bulk import run_each
from core.db import db
from core.errors import Conflict
from core.needs import services as needs
from core.needs.models import Need, NeedStatus
from core.people.models import Person
from core.users import Role, User
from tests.factories import (
    TOWN_A,
    TOWN_B,
    audit_events,
    make_need,
    make_person,
    make_unit,
    make_user,
    need_input,
)
from tests.pages import english, html, login
from tests.portal import test_web_harness as harness
from tests.portal.test_web_harness import new_client

web = harness.web

_ROW = re.compile(r'href="/needs/(\d+)"')


def _user(user_id: int) -> User:
    return db.session.get_one(User, user_id)


def _status(need_id: int) -> str:
    db.session.expire_all()
    return db.session.get_one(Need, need_id).status


def _listed(client, query: str) -> set[int]:
    return {int(n) for n in _ROW.findall(html(client.get(f"/needs{query}")))}


@pytest.fixture()
def county(web, ctx) -> dict[str, object]:
    """Two offices in two towns; office A has an author and a reviewer, each office needs."""
    unit_a, unit_b = make_unit(town=TOWN_A), make_unit(town=TOWN_B)
    author, reviewer = make_user(Role.OFFICER, unit_a), make_user(Role.OFFICER, unit_a)
    author_b = make_user(Role.OFFICER, unit_b)
    person_a = make_person(author, unit_a)
    person_b = make_person(author_b, unit_b, name="李四海")
    rent = make_need(author, person_a, title="房租补助", category="housing")
    school = make_need(author, person_a, title="孩子学费", category="education")
    other = make_need(author_b, person_b, title="房租补助（乙）", category="housing")
    needs.submit_need(author, school.id)
    return {
        "office_a": unit_a.id,
        "office_b": unit_b.id,
        "author": author.id,
        "reviewer": reviewer.id,
        "author_b": author_b.id,
        "person_a": person_a.id,
        "rent": rent.id,
        "school": school.id,
        "other": other.id,
    }


def test_search_by_title_words_or_number_within_scope(web, county):
    login(web, _user(county["author"]).username)

    assert _listed(web, "?q=房租") == {county["rent"]}  # not office B's 房租补助（乙）
    assert _listed(web, f"?q=%23{county['school']}") == {county["school"]}
    assert _listed(web, f"?q={county['other']}") == set()  # another office's number
    assert _listed(web, "?q=100%25") == set()  # a LIKE wildcard is matched literally
    # A number past the database's integer is searched as words, not as an id
    # (PostgreSQL refused it with an error before).
    assert _listed(web, "?q=2147483648") == set()


def test_filters_by_status_category_office_and_town(web, county):
    admin = make_user(Role.ADMIN)
    login(web, admin.username)

    assert _listed(web, "?status=submitted") == {county["school"]}
    assert _listed(web, "?category=housing") == {county["rent"], county["other"]}
    assert _listed(web, f"?office={county['office_b']}") == {county["other"]}
    assert _listed(web, f"?town={TOWN_A}&category=housing") == {county["rent"]}
    page = html(web.get("/needs"))
    assert f'<option value="{TOWN_B}"' in page and f'value="{county["office_b"]}"' in page


def test_filters_outside_scope_show_nothing_of_other_offices(web, county):
    login(web, _user(county["author"]).username)

    assert _listed(web, f"?office={county['office_b']}") == set()
    assert _listed(web, f"?town={TOWN_B}") == set()
    page = html(web.get("/needs"))
    # Office B and its town are not even offered as choices.
    assert f'value="{county["office_b"]}"' not in page and TOWN_B not in page


def test_reviewer_approves_several_and_a_need_they_edited_is_refused_with_its_reason(web, county):
    author, reviewer = _user(county["author"]), _user(county["reviewer"])
    person = db.session.get_one(Person, county["person_a"])
    edited = make_need(author, person, title="工具购置")
    needs.update_need(reviewer, edited.id, need_input(title="工具购置（改）"))
    needs.submit_need(author, edited.id)
    needs.submit_need(author, county["rent"])
    ids = [county["rent"], edited.id, county["school"]]
    login(web, reviewer.username)
    english(web)
    queue = html(web.get("/needs?queue=review"))
    assert 'id="bulk-review"' in queue and f'value="{county["rent"]}" form="bulk-review"' in queue

    response = web.post(
        "/needs/review",
        data={"need_id": [str(i) for i in ids], "note": "材料齐全", "approve": "Approve"},
        follow_redirects=True,
    )

    page = html(response)
    assert response.status_code == 200
    assert "2 done, 1 refused." in page
    assert f"No. {edited.id}: A need must be reviewed by someone who did not write or edit it." in (
        page
    )
    assert _status(county["rent"]) == _status(county["school"]) == NeedStatus.APPROVED
    assert _status(edited.id) == NeedStatus.SUBMITTED
    # Each approved need has its own audit entry, with the shared note, as one by one.
    for need_id in (county["rent"], county["school"]):
        [event] = audit_events(AuditAction.NEED_APPROVE, need_id)
        assert (event.actor_id, event.detail) == (reviewer.id, {"note": "材料齐全"})
    assert audit_events(AuditAction.NEED_APPROVE, edited.id) == []


def test_out_of_scope_ids_are_refused_like_missing_ones_not_an_error(web, county):
    author_b = _user(county["author_b"])
    needs.submit_need(author_b, county["other"])
    login(web, _user(county["reviewer"]).username)
    english(web)

    response = web.post(
        "/needs/review",
        data={"need_id": [str(county["other"]), "99999999", str(county["school"])], "note": ""}
        | {"approve": "Approve"},
        follow_redirects=True,
    )

    page = html(response)
    assert response.status_code == 200
    assert f"No. {county['other']}: No such need." in page
    assert "No. 99999999: No such need." in page
    assert _status(county["other"]) == NeedStatus.SUBMITTED
    assert _status(county["school"]) == NeedStatus.APPROVED


def test_returning_several_needs_needs_a_note_and_does_nothing_without_it(web, county):
    login(web, _user(county["reviewer"]).username)
    english(web)

    response = web.post(
        "/needs/review",
        data={"need_id": [str(county["school"])], "note": " ", "send_back": "x"},
        follow_redirects=True,
    )

    assert "Say why the need is returned." in html(response)
    assert _status(county["school"]) == NeedStatus.SUBMITTED
    web.post(
        "/needs/review",
        data={"need_id": [str(county["school"])], "note": "缺少诊断证明", "send_back": "x"},
    )
    assert _status(county["school"]) == NeedStatus.DRAFT
    [event] = audit_events(AuditAction.NEED_RETURN, county["school"])
    assert event.detail == {"note": "缺少诊断证明"}


def test_bulk_review_without_the_csrf_token_changes_nothing(app: Flask, county, monkeypatch):
    client = new_client(app)
    login(client, _user(county["reviewer"]).username)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    response = client.post(
        "/needs/review", data={"need_id": [str(county["school"])], "approve": "Approve"}
    )

    assert response.status_code == 400
    assert _status(county["school"]) == NeedStatus.SUBMITTED


def test_each_item_runs_in_its_own_savepoint(county):
    """A refused item's writes are undone; the items before and after it stay done."""

    def retitle(need_id: int) -> None:
        need = db.session.get_one(Need, need_id)
        need.title = f"改过 {need_id}"
        db.session.flush()
        if need_id == county["school"]:
            raise Conflict("This need cannot move to that status.")

    result = run_each([county["rent"], county["school"], county["other"]], retitle)

    assert [o.done for o in result.outcomes] == [True, False, True]
    assert result.refused[0].message == "This need cannot move to that status."
    db.session.expire_all()
    titles = {
        need_id: db.session.get_one(Need, need_id).title
        for need_id in (county["rent"], county["school"], county["other"])
    }
    assert titles[county["rent"]] == f"改过 {county['rent']}"
    assert titles[county["school"]] == "孩子学费"
    assert titles[county["other"]] == f"改过 {county['other']}"
