"""Who may open which casework page: outside a user's scope answers 404 (docs/privacy.md)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from core.orgs import OrgUnit
from core.users import Role
from tests.factories import make_need, make_person, make_unit, make_user
from tests.pages import html, login
from tests.portal import test_web_harness as harness

web = harness.web

PAGES = ("person", "person_edit", "need", "need_edit", "persons", "needs")


@dataclass(frozen=True)
class Viewer:
    role: Role
    office: str | None  # "own": the person's office, "other": another office, None: unscoped
    expected: tuple[int, int, int, int, int, int]  # one status per page, in PAGES order


ALL_OK = (200, 200, 200, 200, 200, 200)
NOTHING = (404, 404, 404, 404, 404, 404)
VIEWERS = {
    "admin": Viewer(Role.ADMIN, None, ALL_OK),
    "auditor": Viewer(Role.AUDITOR, None, (200, 404, 200, 404, 200, 200)),
    "officer_own_office": Viewer(Role.OFFICER, "own", ALL_OK),
    "officer_other_office": Viewer(Role.OFFICER, "other", (404, 404, 404, 404, 200, 200)),
    "social_worker_own_office": Viewer(Role.SOCIAL_WORKER, "own", ALL_OK),
    "finance": Viewer(Role.FINANCE, None, NOTHING),
    "coordinator": Viewer(Role.COORDINATOR, None, NOTHING),
    "training_partner": Viewer(Role.TRAINING_PARTNER, None, NOTHING),
}
MATRIX = [
    pytest.param(name, page, viewer.expected[i], id=f"{name}-{page}")
    for name, viewer in VIEWERS.items()
    for i, page in enumerate(PAGES)
]


def _url(page: str, person_id: int, need_id: int) -> str:
    return {
        "person": f"/persons/{person_id}",
        "person_edit": f"/persons/{person_id}/edit",
        "need": f"/needs/{need_id}",
        "need_edit": f"/needs/{need_id}/edit",
        "persons": "/persons",
        "needs": "/needs",
    }[page]


def _scope(viewer: Viewer, own: OrgUnit, other: OrgUnit) -> OrgUnit | None:
    return {"own": own, "other": other, None: None}[viewer.office]


@pytest.mark.parametrize(("viewer_name", "page", "expected"), MATRIX)
def test_casework_page_answers_by_role_and_scope(web, ctx, viewer_name, page, expected):
    office_a, office_b = make_unit(town="赤坎镇"), make_unit(town="水口镇")
    owner = make_user(Role.OFFICER, office_a)
    person = make_person(owner, office_a)
    need = make_need(owner, person)
    viewer = VIEWERS[viewer_name]
    user = make_user(viewer.role, _scope(viewer, office_a, office_b))
    url = _url(page, person.id, need.id)
    login(web, user.username)

    assert web.get(url).status_code == expected


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitor_is_sent_to_login(web, ctx, page):
    office = make_unit()
    owner = make_user(Role.OFFICER, office)
    person = make_person(owner, office)
    need = make_need(owner, person)

    response = web.get(_url(page, person.id, need.id))

    assert response.status_code == 302
    assert response.location.startswith("/login")


def test_missing_record_answers_like_one_out_of_scope(web, ctx):
    login(web, make_user(Role.ADMIN).username)

    assert web.get("/persons/999999").status_code == 404
    assert web.get("/needs/999999").status_code == 404


def test_officer_list_pages_hold_only_their_office(web, ctx):
    office_a, office_b = make_unit(town="赤坎镇"), make_unit(town="水口镇")
    officer_a = make_user(Role.OFFICER, office_a)
    officer_b = make_user(Role.OFFICER, office_b)
    ours = make_person(officer_a, office_a, name="李小红")
    theirs = make_person(officer_b, office_b, name="欧阳娜娜")
    our_need, their_need = make_need(officer_a, ours).id, make_need(officer_b, theirs).id
    ours_id, theirs_id = ours.id, theirs.id
    login(web, officer_a.username)

    people = html(web.get("/persons"))
    needs = html(web.get("/needs"))

    assert f'href="/persons/{ours_id}"' in people
    assert "李*红" in people
    assert f'href="/persons/{theirs_id}"' not in people
    assert "欧**娜" not in people
    assert f'href="/needs/{our_need}"' in needs
    assert f'href="/needs/{their_need}"' not in needs


MINOR_VIEWERS = {
    "officer_without_juvenile_permission": (Role.OFFICER, False, 404),
    "officer_with_juvenile_permission": (Role.OFFICER, True, 200),
    "admin": (Role.ADMIN, False, 200),
    "auditor": (Role.AUDITOR, False, 200),
}


@pytest.mark.parametrize("viewer_name", MINOR_VIEWERS)
def test_minor_records_need_the_juvenile_permission(web, ctx, viewer_name):
    role, juvenile, expected = MINOR_VIEWERS[viewer_name]
    office = make_unit()
    owner = make_user(Role.OFFICER, office, juvenile=True)
    minor = make_person(owner, office, minor=True)
    need_id, person_id = make_need(owner, minor).id, minor.id
    scope = office if role == Role.OFFICER else None
    login(web, make_user(role, scope, juvenile=juvenile).username)

    assert web.get(f"/persons/{person_id}").status_code == expected
    assert web.get(f"/needs/{need_id}").status_code == expected
    listed = f'href="/persons/{person_id}"' in html(web.get("/persons"))
    assert listed is (expected == 200)
    listed_need = f'href="/needs/{need_id}"' in html(web.get("/needs"))
    assert listed_need is (expected == 200)
