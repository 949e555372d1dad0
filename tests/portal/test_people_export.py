"""The people list exports to CSV and XLSX with identity masked; an export with identity in
clear is a reveal: reveal roles only, within scope, every person in it audited as revealed,
and the file says so."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from core.audit_actions import AuditAction
from core.users import Role
from tests.factories import TOWN_A, TOWN_B, audit_events, make_office, make_person_in, make_staff
from tests.pages import html, login
from tests.portal import test_web_harness as harness

web = harness.web
NAME, PHONE = "欧阳明华", "13912345678"


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.fixture()
def offices(ctx):
    office, other = make_office(TOWN_A), make_office(TOWN_B)
    person_id = make_person_in(office, name=NAME, phone=PHONE)
    make_person_in(other, name="司马光明")
    return office, person_id


def test_the_people_list_exports_with_identity_masked(web, offices):
    office, person_id = offices
    login(web, office.author.username)

    assert "/persons/export?format=csv" in html(web.get("/persons"))
    answer = web.get("/persons/export?format=csv&status=active")

    assert answer.status_code == 200
    assert f"people_{office.author.username}_" in answer.headers["Content-Disposition"]
    rows = _csv(answer.data)
    assert rows[0][:4] == ["编号", "姓名", "身份证号", "联系电话"]
    assert len(rows) == 2  # the other office's person is out of scope
    assert rows[1][0] == str(person_id) and rows[1][1] == "欧**华"
    assert rows[1][6:8] == ["社区矫正", "在册"]
    text = answer.data.decode("utf-8-sig")
    assert NAME not in text and PHONE not in text and "司马" not in text
    [entry] = audit_events(AuditAction.PERSON_EXPORT)
    assert entry.detail["identity"] == "masked" and entry.detail["rows"] == 1
    assert audit_events(AuditAction.PERSON_REVEAL) == []


def test_an_export_in_clear_is_a_reveal_of_everyone_in_it(web, offices):
    office, person_id = offices
    login(web, office.author.username)

    answer = web.post("/persons/export", data={"format": "xlsx"})

    assert answer.status_code == 200
    assert f"people-identity_{office.author.username}_" in answer.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(answer.data)).worksheets[0]
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert rows[3][0] == "身份信息" and "明文" in rows[3][1]
    [person] = [row for row in rows if row and row[0] == person_id]
    assert person[1:2] == [NAME] and PHONE in person
    [reveal] = audit_events(AuditAction.PERSON_REVEAL)
    assert reveal.object_id == str(person_id) and reveal.detail["field"] == "export"
    [entry] = audit_events(AuditAction.PERSON_EXPORT)
    assert entry.detail["identity"] == "clear"


@pytest.mark.parametrize("role", [Role.FINANCE, Role.COORDINATOR])
def test_no_export_of_people_outside_casework(web, offices, role):
    login(web, make_staff(role).username)

    assert web.get("/persons/export?format=csv").status_code == 404
    assert web.post("/persons/export", data={"format": "csv"}).status_code == 404
    assert audit_events(AuditAction.PERSON_EXPORT) == []
