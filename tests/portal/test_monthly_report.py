"""The monthly statistics for the county bureau: one workbook from the command and from the
button on /reports, stamped with who made it and when, and on the record."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from core.audit_actions import AuditAction
from core.timeutil import local_today
from core.users import Role
from tests.factories import TOWN_A, TOWN_B, audit_events, make_staff
from tests.pages import html, login
from tests.portal import test_web_harness as harness
from tests.reports_support import money_scenario

web = harness.web
SHEETS = ["概况", "按镇街", "按类别", "善款", "培训、就业与基地", "各志愿项目服务时长"]


def workbook(body: bytes) -> dict[str, list[list[object]]]:
    book = load_workbook(io.BytesIO(body))
    return {
        name: [list(row) for row in book[name].iter_rows(values_only=True)]
        for name in book.sheetnames
    }


def table(rows: list[list[object]]) -> list[list[object]]:
    """The rows under the stamp (the stamp ends at the first empty row)."""
    return rows[next(i for i, row in enumerate(rows) if not any(row)) + 1 :]


@pytest.fixture()
def month(ctx, tmp_path) -> str:
    money_scenario({TOWN_A: 1, TOWN_B: 2}, tmp_path)
    return local_today().strftime("%Y-%m")


def test_the_command_writes_the_months_workbook(ctx, month, tmp_path):
    out = tmp_path / "report.xlsx"

    result = ctx.test_cli_runner().invoke(
        args=["monthly-report", "--month", month, "--out", str(out)]
    )

    assert result.exit_code == 0, result.output
    sheets = workbook(out.read_bytes())
    assert list(sheets) == SHEETS
    overview = sheets["概况"]
    assert overview[0][0] == f"社区矫正和安置帮教月度统计 {month}"
    assert ["月份", month] in [row[:2] for row in overview]
    assert ["导出人", "命令行"] in [row[:2] for row in overview]
    figures = {row[0]: row[1] for row in table(overview) if row and row[0]}
    assert figures["月末在册社区矫正对象"] == 3
    assert figures["本月新登记人数"] == 3
    assert figures["本月登记帮扶需求"] == 3
    assert figures["足额筹集的帮扶需求"] == 3
    assert figures["已拨付的帮扶需求"] == 3
    towns = {row[0]: row for row in table(sheets["按镇街"])[1:]}
    assert towns[TOWN_B][1:] == [2, 0, 2, 0, 2, 2, "2,000.00"]
    money = {row[0]: row for row in table(sheets["善款"])[1:] if row and row[0]}
    assert money["合计"][1:] == ["3,000.00", "0.00", "3,000.00", "0.00", "3,000.00"]
    [made] = audit_events(AuditAction.REPORT_MONTHLY_EXPORT)
    assert (made.actor_id, made.actor_label) == (None, "monthly-report")
    assert made.detail["month"] == month


@pytest.mark.parametrize("bad", ["2026-13", "2026/11", "11-2026", "２０２６-11", ""])
def test_the_command_refuses_a_bad_month_in_chinese(ctx, tmp_path, bad):
    out = tmp_path / "report.xlsx"

    result = ctx.test_cli_runner().invoke(
        args=["monthly-report", "--month", bad, "--out", str(out)]
    )

    assert result.exit_code != 0
    assert "月份格式应为" in result.output
    assert not out.exists()


def test_the_button_makes_the_same_workbook_stamped_with_its_user(web, ctx, month, tmp_path):
    out = tmp_path / "cli.xlsx"
    ctx.test_cli_runner().invoke(args=["monthly-report", "--month", month, "--out", str(out)])
    admin = make_staff(Role.ADMIN)
    name, username, admin_id = admin.display_name, admin.username, admin.id
    login(web, username)
    assert 'id="monthly-report"' in html(web.get("/reports"))

    answer = web.post("/reports/monthly", data={"month": month})

    assert answer.status_code == 200
    assert re.search(
        rf"filename=monthly-report_{month}_{username}_\d{{8}}-\d{{4}}\.xlsx$",
        answer.headers["Content-Disposition"],
    )
    from_button, from_command = workbook(answer.data), workbook(out.read_bytes())
    assert ["导出人", name] in [row[:2] for row in from_button["概况"]]
    assert {k: table(v) for k, v in from_button.items()} == {
        k: table(v) for k, v in from_command.items()
    }
    assert [e.actor_id for e in audit_events(AuditAction.REPORT_MONTHLY_EXPORT)] == [None, admin_id]


def test_a_bad_month_from_the_button_is_explained(web, ctx):
    login(web, make_staff(Role.AUDITOR).username)

    answer = web.post("/reports/monthly", data={"month": "2026-13"})

    assert answer.status_code == 302
    assert "月份格式应为" in html(web.get(answer.location))
    assert audit_events(AuditAction.REPORT_MONTHLY_EXPORT) == []


@pytest.mark.parametrize("role", [Role.OFFICER, Role.FINANCE, Role.SOCIAL_WORKER])
def test_only_admins_and_auditors_make_the_county_report(web, ctx, role):
    login(web, make_staff(role).username)

    assert 'id="monthly-report"' not in html(web.get("/reports"))
    assert web.post("/reports/monthly", data={"month": "2026-11"}).status_code == 404
    assert audit_events(AuditAction.REPORT_MONTHLY_EXPORT) == []
