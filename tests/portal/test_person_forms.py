"""Registering a person through the web form: bad input is refused with a message, nothing saved."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.db import db
from core.idcard import make_id_number
from core.orgs import OrgUnit
from core.people.models import Person
from core.users import Role, User
from tests.factories import make_person, make_unit, make_user
from tests.pages import english, html, login
from tests.portal import test_web_harness as harness
from tests.portal.test_web_harness import count, zh_translation

web = harness.web
zh_catalogue = harness.zh_catalogue

BORN = date(1988, 7, 21)
ID_NUMBER = make_id_number("440783", BORN, 123)


def _with_bad_checksum(id_number: str) -> str:
    wrong = next(c for c in "0123456789X" if c != id_number[-1])
    return id_number[:-1] + wrong


def _soon() -> date:
    # Two days ahead: in the future for the server's and Shanghai's calendars alike.
    return date.today() + timedelta(days=2)  # noqa: DTZ011


def _form(office_id: int, **changes: str | None) -> dict[str, str]:
    data: dict[str, str | None] = {
        "name": "陈志强",
        "id_number": ID_NUMBER,
        "phone": "139 0000 1234",
        "address": "开平市水口镇人民路8号",
        "office_id": str(office_id),
        "kind": "correction",
        "correction_type": "probation",
        "term_start": (date.today() - timedelta(days=60)).isoformat(),  # noqa: DTZ011
        "term_end": (date.today() + timedelta(days=300)).isoformat(),  # noqa: DTZ011
        "sex": "male",
        "birth_date": BORN.isoformat(),
        "consent_publication": "y",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture()
def officer(web, ctx) -> dict[str, int]:
    office = make_unit()
    user = make_user(Role.OFFICER, office)
    ids = {"office_id": office.id, "user_id": user.id}
    login(web, user.username)
    return ids


BAD_INPUT: dict[str, tuple[dict[str, str | None], str, str]] = {
    "id_number_with_bad_checksum": (
        {"id_number": _with_bad_checksum(ID_NUMBER)},
        "id_number",
        "This is not a valid ID-card number.",
    ),
    "birth_date_in_the_future": (
        {
            "birth_date": _soon().isoformat(),
            "id_number": make_id_number("440783", _soon(), 5),
        },
        "birth_date",
        "The date cannot be in the future.",
    ),
    "birth_date_not_matching_the_id_number": (
        {"birth_date": (BORN + timedelta(days=1)).isoformat()},
        "birth_date",
        "The birth date does not match the ID-card number.",
    ),
    "name_missing": ({"name": None}, "name", "This field is required."),
    "id_number_missing": ({"id_number": ""}, "id_number", "This field is required."),
    # A missing birth date is read from a valid ID number; with no valid number to read
    # it from, it is required.
    "birth_date_missing_and_no_valid_id": (
        {"birth_date": None, "id_number": _with_bad_checksum(ID_NUMBER)},
        "birth_date",
        "The birth date is required.",
    ),
    "correction_without_term_start": (
        {"term_start": None},
        "term_start",
        "The term start date is required.",
    ),
    "phone_not_a_phone_number": ({"phone": "12345"}, "phone", "This is not a valid phone number."),
}


def _field_error(page: str, field: str) -> str | None:
    """The error text shown under a form field, if any."""
    start = page.find(f'name="{field}"')
    if start < 0:
        return None
    end = page.find("</div>", start)
    block = page[start:end]
    marker = '<span class="error">'
    at = block.find(marker)
    if at < 0:
        return None
    return block[at + len(marker) : block.find("</span>", at)]


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_re_renders_the_form_with_a_message_and_saves_nothing(web, officer, case):
    changes, field, message = BAD_INPUT[case]
    english(web)
    before = count(Person)

    response = web.post("/persons/new", data=_form(officer["office_id"], **changes))

    assert response.status_code == 200
    assert _field_error(html(response), field) == message
    assert count(Person) == before


def test_messages_are_chinese_by_default(web, officer, zh_catalogue):
    before = count(Person)

    response = web.post(
        "/persons/new",
        data=_form(officer["office_id"], id_number=_with_bad_checksum(ID_NUMBER)),
    )

    assert response.status_code == 200
    shown = _field_error(html(response), "id_number")
    assert shown
    translated = zh_translation(zh_catalogue, "This is not a valid ID-card number.")
    if translated is not None:
        assert shown == translated
    assert count(Person) == before


def test_duplicate_id_number_is_refused_and_saves_nothing(web, officer):
    office_id = officer["office_id"]
    user = db.session.get_one(User, officer["user_id"])
    office = db.session.get_one(OrgUnit, office_id)
    make_person(user, office, id_number=ID_NUMBER, birth_date=BORN)
    english(web)
    before = count(Person)

    response = web.post("/persons/new", data=_form(office_id))

    assert response.status_code == 200
    assert "This ID-card number is already on record." in html(response)
    assert count(Person) == before


def test_valid_form_registers_and_opens_the_person_page(web, officer):
    before = count(Person)

    response = web.post("/persons/new", data=_form(officer["office_id"]))

    assert response.status_code == 302
    assert count(Person) == before + 1
    person_id = int(response.location.rsplit("/", 1)[1])
    assert response.location == f"/persons/{person_id}"
    page = html(web.get(response.location))
    assert "陈*强" in page
    assert "陈志强" not in page
    assert ID_NUMBER not in page


def test_every_problem_is_shown_at_once_and_nothing_is_saved(web, officer):
    english(web)
    before = count(Person)

    response = web.post(
        "/persons/new",
        data=_form(
            officer["office_id"],
            name=None,  # the form's own check
            id_number=_with_bad_checksum(ID_NUMBER),  # form and rule
            phone="12345",  # a rule of the service
            term_start=None,  # a rule of the service, for a correction case
            correction_type="",
        ),
    )

    page = html(response)
    assert response.status_code == 200
    assert _field_error(page, "name") == "This field is required."
    assert _field_error(page, "id_number") == "This is not a valid ID-card number."
    assert _field_error(page, "phone") == "This is not a valid phone number."
    assert _field_error(page, "term_start") == "The term start date is required."
    assert _field_error(page, "correction_type") == "Choose the correction type."
    # The ID number's message shows once, though the form and the rule both found it.
    assert page.count("This is not a valid ID-card number.") == 1
    assert "nothing has been saved" in page
    assert count(Person) == before


@pytest.mark.parametrize(("sequence", "sex"), [(123, "male"), (124, "female")])
def test_birth_date_and_sex_left_blank_are_read_from_the_id_number(web, officer, sequence, sex):
    id_number = make_id_number("440783", BORN, sequence)

    response = web.post(
        "/persons/new",
        data=_form(officer["office_id"], id_number=id_number, birth_date="", sex=""),
    )

    assert response.status_code == 302, html(response)
    person = db.session.get_one(Person, int(response.location.rsplit("/", 1)[1]))
    assert (person.birth_date, person.sex) == (BORN, sex)


def test_sex_starts_empty_and_is_required_without_a_valid_id_number(web, officer):
    english(web)
    page = html(web.get("/persons/new"))
    select = page[page.index('name="sex"') : page.index("</select>", page.index('name="sex"'))]
    assert '<option value="">—</option>' in select
    assert 'value="male"' in select and "selected" not in select

    response = web.post(
        "/persons/new",
        data=_form(officer["office_id"], id_number=_with_bad_checksum(ID_NUMBER), sex=""),
    )

    assert _field_error(html(response), "sex") == "Choose a sex."


def test_the_form_fills_from_the_id_number_with_a_served_script_not_an_inline_one(web, officer):
    page = html(web.get("/persons/new"))

    assert '<script src="/static/idcard.js" defer></script>' in page
    assert "<script>" not in page
    script = web.get("/static/idcard.js")
    assert script.status_code == 200
    body = script.get_data(as_text=True)
    assert 'getElementById("birth_date")' in body and 'getElementById("sex")' in body
    script.close()
