"""Projects, pools and pool history export as CSV and XLSX: Chinese headers, yuan, words
for statuses and entry types, the exporter in the XLSX header and the file's name, one
audit entry each; staff without the role get no file."""

from __future__ import annotations

import pytest

from core.audit_actions import AuditAction
from core.users import Role
from tests.donations.factories import default_pool_id, give, make_donor, make_project
from tests.export_support import csv_rows, xlsx_rows
from tests.factories import audit_events, make_staff
from tests.pages import html, login
from tests.portal import test_web_harness as harness

web = harness.web


@pytest.fixture()
def funded(ctx):
    admin = make_staff(Role.ADMIN)
    project_id = make_project(admin, title="安置帮教助学项目", goal_fen=12_345_600)
    give(project_id, 20_050, donor_id=make_donor())
    finance = make_staff(Role.FINANCE)
    return {"admin": admin, "finance": finance, "project": project_id}


def test_the_projects_export_is_in_chinese_with_yuan_and_audited(web, funded):
    login(web, funded["admin"].username)
    assert "/projects/export?format=csv" in html(web.get("/projects"))

    answer = web.get("/projects/export?format=csv")

    assert answer.status_code == 200
    assert f"projects_{funded['admin'].username}_" in answer.headers["Content-Disposition"]
    rows = csv_rows(answer)
    assert rows[0][:7] == [
        "标题",
        "慈善会",
        "公开募捐备案编号",
        "状态",
        "募捐目标（元）",
        "募得（元）",
        "捐赠人数",
    ]
    [row] = [row for row in rows[1:] if row[0] == "安置帮教助学项目"]
    assert row[3] == "募捐中"
    assert row[4] == "123,456.00" and row[5] == "200.50" and row[6] == "1"
    [entry] = audit_events(AuditAction.PROJECT_EXPORT)
    assert entry.actor_id == funded["admin"].id
    assert entry.detail["rows"] == len(rows) - 1 and entry.detail["format"] == "csv"


def test_the_projects_xlsx_names_who_exported_it(web, funded):
    login(web, funded["admin"].username)

    answer = web.get("/projects/export?format=xlsx")

    assert answer.status_code == 200
    assert ".xlsx" in answer.headers["Content-Disposition"]
    values = xlsx_rows(answer)
    assert values[0][0] == "募捐项目"
    assert ["导出人", funded["admin"].display_name] == list(values[1][:2])
    assert any(row[0] == "安置帮教助学项目" and row[4] == "123,456.00" for row in values)


def test_pools_and_their_history_export_with_money_in_yuan(web, funded):
    login(web, funded["finance"].username)
    page = html(web.get("/pools"))
    assert "/pools/export?format=csv" in page and "/pools/history/export?format=xlsx" in page

    balances = csv_rows(web.get("/pools/export?format=csv"))
    assert balances[0] == ["资金池", "募捐项目", "余额（元）", "帮扶类别", "镇（街道）"]
    assert ["安置帮教助学项目", "200.50"] in [row[1:3] for row in balances[1:]]

    history = csv_rows(web.get("/pools/history/export?format=csv"))
    assert history[0] == [
        "资金池",
        "时间",
        "业务类型",
        "捐赠证书",
        "帮扶需求",
        "收入（元）",
        "支出（元）",
    ]
    received = [row for row in history[1:] if row[2] == "捐赠到账"]
    assert received and received[0][5] == "200.50" and received[0][6] == ""
    assert received[0][3]  # the gift's certificate number, never the donor
    [pools] = audit_events(AuditAction.POOL_EXPORT)
    [lines] = audit_events(AuditAction.POOL_HISTORY_EXPORT)
    assert pools.actor_id == lines.actor_id == funded["finance"].id
    assert lines.detail["rows"] == len(history) - 1
    assert default_pool_id(funded["project"])


@pytest.mark.parametrize("path", ["/projects/export", "/pools/export", "/pools/history/export"])
def test_a_volunteer_coordinator_gets_no_money_export(web, funded, path):
    login(web, make_staff(Role.BASE_CONTACT).username)

    answer = web.get(f"{path}?format=csv")

    assert answer.status_code in (403, 404)
    assert not audit_events(AuditAction.PROJECT_EXPORT)
    assert not audit_events(AuditAction.POOL_EXPORT)


def test_an_unknown_format_is_refused(web, funded):
    login(web, funded["admin"].username)
    assert web.get("/projects/export?format=pdf").status_code == 400
    assert not audit_events(AuditAction.PROJECT_EXPORT)


def test_the_projects_list_pages_and_the_export_holds_every_page(web, funded):
    for n in range(3):
        make_project(funded["admin"], title=f"分页项目{n}")
    login(web, funded["admin"].username)

    first = html(web.get("/projects?per_page=2"))
    second = html(web.get("/projects?per_page=2&page=2"))

    assert "分页项目2" in first and "分页项目1" in first and "分页项目0" not in first
    assert "分页项目0" in second and 'rel="next"' in first
    assert web.get("/projects?per_page=2&page=9").status_code == 404
    exported = [row[0] for row in csv_rows(web.get("/projects/export?format=csv&page=2"))]
    assert {"分页项目0", "分页项目1", "分页项目2", "安置帮教助学项目"} <= set(exported)
