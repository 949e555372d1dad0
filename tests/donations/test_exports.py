"""Finance exports of donations and the journal: CSV or XLSX, audited, for money readers
only, and never carrying a live spreadsheet formula."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.audit import AuditEvent
from core.db import db
from core.users import Role
from donations.giving.events import apply_event
from tests.donations.factories import make_donation, make_project, succeeded_event
from tests.factories import PASSWORD, make_unit, make_user

pytestmark = pytest.mark.usefixtures("ctx")

HYPERLINK = '=HYPERLINK("http://x","y")'
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORTS = ["/donations.csv", "/finance/journal.csv"]


def login(client, role: Role) -> int:
    user = make_user(role, make_unit() if role == Role.OFFICER else None)
    user_id, username = user.id, user.username
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return user_id


def paid_gift_to(title: str, amount_fen: int) -> str:
    donation = make_donation(make_project(title=title), amount_fen)
    assert apply_event(succeeded_event(donation), via="webhook") == "applied"
    return donation.id


def csv_rows(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8").removeprefix("\ufeff"))))


def xlsx_rows(body: bytes) -> list[dict[str, object]]:
    sheet = load_workbook(io.BytesIO(body)).active
    cells = list(sheet.iter_rows())
    headers = [c.value for c in cells[0]]
    for row in cells[1:]:
        assert all(c.data_type != "f" for c in row), "a live formula reached the spreadsheet"
    return [dict(zip(headers, (c.value for c in row), strict=True)) for row in cells[1:]]


def test_a_formula_in_a_project_title_is_neutralised_in_both_formats(client):
    gift = paid_gift_to(HYPERLINK, 8_800)
    login(client, Role.FINANCE)

    as_csv = client.get("/donations.csv")
    as_xlsx = client.get("/donations.csv?format=xlsx")

    assert as_csv.mimetype == "text/csv"
    assert "filename=donations.csv" in as_csv.headers["Content-Disposition"]
    assert as_xlsx.mimetype == XLSX
    assert "filename=donations.xlsx" in as_xlsx.headers["Content-Disposition"]
    [in_csv] = [r for r in csv_rows(as_csv.data) if r["donation_id"] == gift]
    [in_xlsx] = [r for r in xlsx_rows(as_xlsx.data) if r["donation_id"] == gift]
    assert in_csv["project"] == in_xlsx["project"] == "'" + HYPERLINK
    assert (in_csv["amount_fen"], in_xlsx["amount_fen"]) == ("8800", 8_800)


def test_the_donations_export_is_audited_with_its_format(client):
    paid_gift_to("助学项目", 1_000)
    user_id = login(client, Role.FINANCE)

    assert client.get("/donations.csv?format=xlsx&status=succeeded").status_code == 200

    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "donation.export")
    ).all()
    assert event.actor_id == user_id
    assert event.detail["format"] == "xlsx"
    assert event.detail["filters"] == {"status": "succeeded"}
    assert event.detail["count"] >= 1


def test_the_journal_comes_as_xlsx_with_numbers_that_balance(client):
    gift = paid_gift_to("就业帮扶项目", 4_500)
    user_id = login(client, Role.FINANCE)

    response = client.get("/finance/journal.csv?format=xlsx")

    assert response.status_code == 200 and response.mimetype == XLSX
    assert "filename=journal.xlsx" in response.headers["Content-Disposition"]
    lines = [r for r in xlsx_rows(response.data) if r["donation_id"] == gift]
    assert lines and all(isinstance(r["debit_fen"], int) for r in lines)
    debits = [int(str(r["debit_fen"])) for r in lines]
    credits = [int(str(r["credit_fen"])) for r in lines]
    assert sum(debits) == sum(credits) == 4_500
    exports = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "finance.journal_export")
    ).all()
    assert [(e.actor_id, e.detail["format"]) for e in exports] == [(user_id, "xlsx")]


@pytest.mark.parametrize("url", EXPORTS)
def test_an_officer_gets_404_in_either_format(client, url):
    paid_gift_to("助学项目", 1_000)
    login(client, Role.OFFICER)

    for query in ("", "?format=xlsx"):
        assert client.get(url + query).status_code == 404
    assert not db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action.in_(("donation.export", "finance.journal_export"))
        )
    ).all()


@pytest.mark.parametrize("url", EXPORTS)
def test_an_unknown_format_is_refused(client, url):
    login(client, Role.FINANCE)

    assert client.get(url + "?format=pdf").status_code == 400
