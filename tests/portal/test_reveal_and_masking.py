"""Identity fields are shown masked; revealing one is allowed to casework roles and audited."""

from __future__ import annotations

import pytest

from core.orgs import OrgUnit
from core.users import Role, User
from tests.factories import audit_events, make_need, make_person, make_unit, make_user
from tests.pages import html, login
from tests.portal import test_web_harness as harness

web = harness.web

NAME = "张晓明"
PHONE = "13812345678"
ADDRESS = "开平市赤坎镇幸福路1号"


def _registered(office: OrgUnit) -> tuple[User, int, str]:
    officer = make_user(Role.OFFICER, office)
    person = make_person(officer, office, name=NAME, phone=PHONE, address=ADDRESS)
    assert person.id_number is not None
    return officer, person.id, person.id_number


def test_person_page_shows_identity_masked_and_never_in_full(web, ctx):
    office = make_unit()
    officer, person_id, id_number = _registered(office)
    login(web, officer.username)

    page = html(web.get(f"/persons/{person_id}"))

    assert "张*明" in page
    assert f"{id_number[:4]}**********{id_number[-4:]}" in page
    assert "138****5678" in page
    for secret in (NAME, id_number, PHONE, ADDRESS):
        assert secret not in page
    # Nor the middle of the ID number, which holds the birth date.
    assert id_number[4:14] not in page


def test_opening_a_person_page_is_audited(web, ctx):
    officer, person_id, _ = _registered(make_unit())
    officer_id = officer.id
    login(web, officer.username)

    web.get(f"/persons/{person_id}")

    views = audit_events("person.view", person_id)
    assert [(e.actor_id, e.object_type) for e in views] == [(officer_id, "person")]


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SOCIAL_WORKER, Role.ADMIN, Role.AUDITOR])
def test_revealing_the_id_number_shows_it_and_audits_the_field(web, ctx, role):
    office = make_unit()
    _, person_id, id_number = _registered(office)
    viewer = make_user(role, office if role in (Role.OFFICER, Role.SOCIAL_WORKER) else None)
    viewer_id = viewer.id
    login(web, viewer.username)

    response = web.post(f"/persons/{person_id}/reveal", data={"field": "id_number"})

    assert response.status_code == 200
    page = html(response)
    assert f'<span class="revealed" id="revealed-id_number">{id_number}</span>' in page
    # Only the field asked for: the others stay masked.
    assert PHONE not in page
    assert NAME not in page
    reveals = audit_events("person.reveal", person_id)
    assert [(e.actor_id, e.detail["field"]) for e in reveals] == [(viewer_id, "id_number")]


@pytest.mark.parametrize("role", [Role.FINANCE, Role.COORDINATOR, Role.TRAINING_PARTNER])
def test_roles_without_casework_cannot_reveal(web, ctx, role):
    _, person_id, id_number = _registered(make_unit())
    login(web, make_user(role).username)

    response = web.post(f"/persons/{person_id}/reveal", data={"field": "id_number"})

    assert response.status_code == 404
    assert id_number not in html(response)
    assert audit_events("person.reveal") == []


def test_officer_of_another_office_cannot_reveal(web, ctx):
    _, person_id, id_number = _registered(make_unit())
    login(web, make_user(Role.OFFICER, make_unit(town="水口镇")).username)

    response = web.post(f"/persons/{person_id}/reveal", data={"field": "id_number"})

    assert response.status_code == 404
    assert id_number not in html(response)
    assert audit_events("person.reveal") == []


def test_revealing_a_field_that_is_not_identity_answers_404(web, ctx):
    office = make_unit()
    officer, person_id, _ = _registered(office)
    login(web, officer.username)

    response = web.post(f"/persons/{person_id}/reveal", data={"field": "password_hash"})

    assert response.status_code == 404
    assert audit_events("person.reveal") == []


def test_need_pages_show_the_person_masked(web, ctx):
    office = make_unit()
    officer = make_user(Role.OFFICER, office)
    person = make_person(officer, office, name=NAME)
    need_id = make_need(officer, person).id
    login(web, officer.username)

    for url in (f"/needs/{need_id}", "/needs", "/persons"):
        page = html(web.get(url))
        assert "张*明" in page, url
        assert NAME not in page, url
