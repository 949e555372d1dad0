"""The edit form never shows identity in clear; untouched fields keep their value;
changing one is audited by field name, never by value."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import select

from core.audit import AuditEvent
from core.db import db
from core.people.models import Person
from core.users import Role
from tests.factories import make_person, make_unit, make_user
from tests.pages import english, html, login
from tests.portal import test_web_harness as harness
from tests.portal.test_person_forms import _form

web = harness.web

NAME, PHONE, ADDRESS = "陈志强", "13900001234", "开平市水口镇人民路8号"


def _person() -> dict[str, Any]:
    office = make_unit()
    officer = make_user(Role.OFFICER, office)
    person = make_person(officer, office, name=NAME, phone=PHONE, address=ADDRESS)
    return {
        "office_id": office.id,
        "person_id": person.id,
        "username": officer.username,
        "id_number": person.id_number,
        "born": person.birth_date.isoformat(),
    }


def _value(page: str, field: str) -> str:
    match = re.search(rf'name="{field}"[^>]*value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)"[^>]*name="{field}"', page
    )
    return match.group(1) if match else ""


def _fresh(person_id: int) -> Person:
    return db.session.scalars(
        select(Person).where(Person.id == person_id).execution_options(populate_existing=True)
    ).one()


def test_the_edit_form_shows_identity_masked_only(web, ctx):
    ids = _person()
    login(web, ids["username"])

    page = html(web.get(f"/persons/{ids['person_id']}/edit"))

    id_number = ids["id_number"]
    for secret in (NAME, id_number, PHONE, ADDRESS, id_number[4:14]):
        assert secret not in page
    assert _value(page, "name") == "陈*强"
    assert _value(page, "id_number") == f"{id_number[:4]}**********{id_number[-4:]}"


def test_untouched_identity_keeps_its_value_and_a_change_is_audited(web, ctx):
    ids = _person()
    login(web, ids["username"])
    page = html(web.get(f"/persons/{ids['person_id']}/edit"))
    shown = {f: _value(page, f) for f in ("name", "id_number", "phone", "address")}

    new_phone = "13700009999"
    response = web.post(
        f"/persons/{ids['person_id']}/edit",
        data=_form(ids["office_id"], **shown | {"phone": new_phone, "birth_date": ids["born"]}),
    )

    assert response.status_code == 302, html(response)
    person = _fresh(ids["person_id"])
    assert (person.name, person.id_number, person.phone, person.address) == (
        NAME,
        ids["id_number"],
        new_phone,
        ADDRESS,
    )
    update = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "person.update")
    ).all()[-1]
    assert "phone" in update.detail["fields"]
    assert new_phone not in str(update.detail) and PHONE not in str(update.detail)
    assert "name" not in update.detail["fields"] and "id_number" not in update.detail["fields"]


def test_a_half_edited_mask_is_refused_not_stored(web, ctx):
    ids = _person()
    login(web, ids["username"])
    english(web)
    page = html(web.get(f"/persons/{ids['person_id']}/edit"))
    shown = {f: _value(page, f) for f in ("name", "id_number", "phone", "address")}

    response = web.post(
        f"/persons/{ids['person_id']}/edit",
        data=_form(
            ids["office_id"],
            **shown | {"id_number": "4407**********9999", "birth_date": ids["born"]},
        ),
    )

    assert response.status_code == 200
    assert "This is not a valid ID-card number." in html(response)
    assert _fresh(ids["person_id"]).id_number == ids["id_number"]


def test_the_edit_form_shows_every_problem_at_once_and_keeps_identity_masked(web, ctx):
    ids = _person()
    login(web, ids["username"])
    english(web)
    page = html(web.get(f"/persons/{ids['person_id']}/edit"))
    shown = {f: _value(page, f) for f in ("name", "id_number", "phone", "address")}

    response = web.post(
        f"/persons/{ids['person_id']}/edit",
        data=_form(
            ids["office_id"],
            # Untouched masked identity, a blank birth date (read from the stored number),
            # a bad date (the form's check) and a term ending before it starts (a rule).
            **shown
            | {"birth_date": "", "term_start": "2024-05-01", "term_end": "2024-04-01"}
            | {"release_date": "not a date", "sex": ""},
        ),
    )

    reply = html(response)
    assert response.status_code == 200
    assert "Not a valid date value." in reply
    assert "The term cannot end before it starts." in reply
    # No complaint about the birth date or sex: both come from the stored ID number.
    assert "The birth date is required." not in reply and "Choose a sex." not in reply
    # Re-rendered, the identity fields are still the masks, never the stored values.
    assert _value(reply, "id_number") == shown["id_number"]
    for secret in (NAME, ids["id_number"], PHONE, ADDRESS):
        assert secret not in reply
    assert _fresh(ids["person_id"]).term_end != date(2024, 4, 1)


def test_a_valid_edit_with_birth_date_and_sex_blank_keeps_them_from_the_id_number(web, ctx):
    ids = _person()
    login(web, ids["username"])
    page = html(web.get(f"/persons/{ids['person_id']}/edit"))
    shown = {f: _value(page, f) for f in ("name", "id_number", "phone", "address")}

    response = web.post(
        f"/persons/{ids['person_id']}/edit",
        data=_form(ids["office_id"], **shown | {"birth_date": "", "sex": ""}),
    )

    assert response.status_code == 302, html(response)
    person = _fresh(ids["person_id"])
    assert (person.birth_date.isoformat(), person.sex) == (ids["born"], "male")
