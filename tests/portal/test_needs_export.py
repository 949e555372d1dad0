"""The needs list exports to CSV and XLSX: Chinese headers, amounts in yuan, statuses and
categories in words, names masked and nothing else identifying; who exported it and when
in the XLSX's first rows and in both files' names; an audit entry each; scope kept."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from core.audit_actions import AuditAction
from core.users import Role
from tests.factories import (
    TOWN_A,
    TOWN_B,
    audit_events,
    make_office,
    make_person_in,
    make_staff,
    published_need,
)
from tests.pages import html, login
from tests.portal import test_web_harness as harness

web = harness.web


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_needs_list_exports_as_people_read_it(web, ctx):
    office, other = make_office(TOWN_A), make_office(TOWN_B)
    person = make_person_in(office, name="欧阳明华", phone="13912345678")
    need_id = published_need(office, person, amount_fen=123_450)
    published_need(other)
    officer = office.author
    login(web, officer.username)

    page = html(web.get("/needs?status=published"))
    assert "/needs/export?format=csv&amp;status=published" in page
    answer = web.get("/needs/export?format=csv&status=published")

    assert answer.status_code == 200
    name = answer.headers["Content-Disposition"]
    assert f"needs_{officer.username}_" in name and name.endswith(".csv")
    rows = _csv(answer.data)
    assert rows[0] == [
        "编号",
        "帮扶对象",
        "镇（街道）",
        "帮扶类别",
        "标题",
        "金额（元）",
        "状态",
        "截止日期",
        "创建时间",
    ]
    assert len(rows) == 2  # the other office's need is out of scope
    assert rows[1][0] == str(need_id) and rows[1][1] == "欧**华"
    assert rows[1][2] == TOWN_A and rows[1][5] == "1,234.50" and rows[1][6] == "已发布"
    text = answer.data.decode("utf-8-sig")
    assert "欧阳明华" not in text and "13912345678" not in text
    [entry] = audit_events(AuditAction.NEED_EXPORT)
    assert entry.actor_id == officer.id and entry.detail["rows"] == 1


def test_an_xlsx_of_needs_names_who_when_and_the_filters(web, ctx):
    office = make_office(TOWN_A)
    published_need(office)
    auditor = make_staff(Role.AUDITOR)
    login(web, auditor.username)

    answer = web.get("/needs/export?format=xlsx&status=published")

    assert answer.status_code == 200
    assert f"needs_{auditor.username}_" in answer.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(answer.data)).worksheets[0]
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["帮扶需求"]
    assert rows[1] == ["导出人", auditor.display_name]
    assert rows[2][0] == "导出时间"
    assert rows[3] == ["筛选条件", "状态：已发布"]
    assert rows[5][:2] == ["编号", "帮扶对象"]
    assert len(rows) == 7
    assert audit_events(AuditAction.NEED_EXPORT)[0].detail["format"] == "xlsx"


def test_a_bad_export_format_is_refused(web, ctx):
    login(web, make_staff(Role.ADMIN).username)

    assert web.get("/needs/export?format=pdf").status_code == 400
    assert audit_events(AuditAction.NEED_EXPORT) == []
