"""Job openings, employers and referrals export as CSV and XLSX: Chinese headers, wages
in yuan, statuses in words, one audit entry each; a referral's person is masked and an
officer's file holds their office's referrals only; a base contact gets no file."""

from __future__ import annotations

from core.audit_actions import AuditAction
from core.users import Role
from tests.export_support import csv_rows, xlsx_rows
from tests.factories import audit_events, make_unit, make_user
from tests.jobs_bases.factories import make_opening, make_scene, refer
from tests.pages import html, login


def test_openings_export_wages_in_yuan_and_is_audited(web, ctx):
    opening_id = make_opening(seats=3).id
    admin = make_user(Role.ADMIN)
    login(web, admin.username)
    assert "/jobs/export?format=csv" in html(web.get("/jobs"))

    rows = csv_rows(web.get("/jobs/export?format=csv&status=open"))

    assert rows[0] == [
        "编号",
        "岗位",
        "用人单位",
        "镇（街道）",
        "招聘人数",
        "最低月工资（元）",
        "最高月工资（元）",
        "状态",
    ]
    [row] = [row for row in rows[1:] if row[0] == str(opening_id)]
    assert row[1] == "仓库管理员" and row[4] == "3"
    assert row[5:] == ["3,000.00", "4,500.00", "开放"]
    [entry] = audit_events(AuditAction.OPENING_EXPORT)
    assert entry.actor_id == admin.id and entry.detail["filters"] == {"status": "open"}


def test_employers_export_as_the_page_lists_them(web, ctx):
    make_opening()
    officer = make_user(Role.OFFICER, make_unit())
    login(web, officer.username)
    assert "/jobs/employers/export?format=xlsx" in html(web.get("/jobs/employers"))

    answer = web.get("/jobs/employers/export?format=xlsx")

    assert answer.status_code == 200
    assert f"employers_{officer.username}_" in answer.headers["Content-Disposition"]
    body = xlsx_rows(answer)
    assert body[1][:2] == ["导出人", officer.display_name]
    header = body.index(["用人单位", "镇（街道）", "联系人", "联系电话", "状态"])
    assert any(row[2] == "王经理" for row in body[header + 1 :])
    [entry] = audit_events(AuditAction.EMPLOYER_EXPORT)
    assert entry.actor_id == officer.id and entry.detail["format"] == "xlsx"


def test_referrals_export_masks_the_person_and_keeps_to_the_officers_office(web, ctx):
    scene = make_scene()
    opening = make_opening()
    mine = refer(scene.officer, scene.person, opening).id
    elsewhere = make_scene()
    theirs = refer(elsewhere.officer, elsewhere.person, opening).id
    name = str(scene.person.name)
    login(web, scene.officer.username)
    assert "/jobs/referrals/export?format=csv" in html(web.get("/jobs/referrals"))

    rows = csv_rows(web.get("/jobs/referrals/export?format=csv"))

    assert rows[0] == ["编号", "帮扶对象", "岗位", "用人单位", "镇（街道）", "推荐日期", "状态"]
    ids = [row[0] for row in rows[1:]]
    assert str(mine) in ids and str(theirs) not in ids
    [row] = [row for row in rows[1:] if row[0] == str(mine)]
    assert row[1] != name and row[1][0] == name[0]
    assert row[6] == "已推荐，等待答复"
    [entry] = audit_events(AuditAction.REFERRAL_EXPORT)
    assert entry.actor_id == scene.officer_id and entry.detail["rows"] == len(ids)


def test_a_base_contact_gets_no_jobs_file(web, ctx):
    scene = make_scene()
    login(web, scene.contact.username)

    for path in ("/jobs/export", "/jobs/employers/export", "/jobs/referrals/export"):
        assert web.get(f"{path}?format=csv").status_code == 404
    assert not audit_events(AuditAction.REFERRAL_EXPORT)
