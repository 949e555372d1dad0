"""Finance exports of donations and the journal: CSV or XLSX, audited, for money readers
only, and never carrying a live spreadsheet formula."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.audit import AuditEvent
from core.db import db
from core.users import Role, User
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


def xlsx_rows(body: bytes, first_header: str | None = None) -> list[dict[str, object]]:
    """The table of the sheet: its header row is the first row, or the first that starts
    with `first_header` (the rows above it say who exported the file and when)."""
    sheet = load_workbook(io.BytesIO(body)).active
    cells = list(sheet.iter_rows())
    start = 0
    if first_header is not None:
        start = next(i for i, row in enumerate(cells) if row and row[0].value == first_header)
    headers = [c.value for c in cells[start]]
    for row in cells[start + 1 :]:
        assert all(c.data_type != "f" for c in row), "a live formula reached the spreadsheet"
    return [dict(zip(headers, (c.value for c in row), strict=False)) for row in cells[start + 1 :]]


def stamp_of(body: bytes) -> list[list[object]]:
    """The rows above the table of an XLSX: title, exported by, at..."""
    sheet = load_workbook(io.BytesIO(body)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return rows[: next(i for i, row in enumerate(rows) if not any(row))]


def test_a_formula_in_a_project_title_is_neutralised_in_both_formats(client):
    gift = paid_gift_to(HYPERLINK, 8_800)
    login(client, Role.FINANCE)

    as_csv = client.get("/donations.csv")
    as_xlsx = client.get("/donations.csv?format=xlsx")

    assert as_csv.mimetype == "text/csv"
    assert as_xlsx.mimetype == XLSX
    [in_csv] = [r for r in csv_rows(as_csv.data) if r["捐赠编号"] == gift]
    [in_xlsx] = [r for r in xlsx_rows(as_xlsx.data, "捐赠编号") if r["捐赠编号"] == gift]
    assert in_csv["募捐项目"] == in_xlsx["募捐项目"] == "'" + HYPERLINK
    assert (in_csv["金额（元）"], in_xlsx["金额（元）"]) == ("88.00", "88.00")


def test_donations_are_exported_for_people_to_read_and_stamped(client):
    gift = paid_gift_to("助学项目", 123_450)
    user_id = login(client, Role.FINANCE)
    exporter = db.session.get_one(User, user_id)
    name, username = exporter.display_name, exporter.username

    as_csv = client.get("/donations.csv")
    as_xlsx = client.get("/donations.csv?format=xlsx&status=succeeded")

    header = csv_rows(as_csv.data)[0].keys()
    assert list(header) == [
        "捐赠编号", "创建时间", "支付时间", "募捐项目", "需求卡片代号", "金额（元）", "定向至需求（元）",
        "进入资金池（元）", "已退款（元）", "状态", "匿名", "证书编号",
    ]  # fmt: skip
    [row] = [r for r in xlsx_rows(as_xlsx.data, "捐赠编号") if r["捐赠编号"] == gift]
    assert row["金额（元）"] == row["进入资金池（元）"] == "1,234.50"
    assert (row["状态"], row["匿名"], row["定向至需求（元）"]) == ("支付成功", "否", "0.00")
    stamp = stamp_of(as_xlsx.data)
    assert stamp[0][0] == "捐赠记录"
    assert ["导出人", name] in [row[:2] for row in stamp]
    assert ["筛选条件", "状态：支付成功"] in [row[:2] for row in stamp]
    for answer, ext in ((as_csv, "csv"), (as_xlsx, "xlsx")):
        disposition = answer.headers["Content-Disposition"]
        assert re.search(rf"filename=donations_{username}_\d{{8}}-\d{{4}}\.{ext}$", disposition)
    # The CSV keeps one header row, so it opens as a table; who and when are in its name.
    assert as_csv.data.decode("utf-8").removeprefix("\ufeff").startswith("捐赠编号,")


def test_the_journal_csv_keeps_its_fixed_headers_for_other_systems(client):
    login(client, Role.FINANCE)

    answer = client.get("/finance/journal.csv")

    first = answer.data.decode("utf-8").removeprefix("\ufeff").splitlines()[0]
    assert first == (
        "entry_id,posted_at,business_date,kind,source_key,donation_id,reverses,account,"
        "debit_fen,credit_fen,memo"
    )
    assert "filename=journal.csv" in answer.headers["Content-Disposition"]


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
