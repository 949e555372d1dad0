"""Courses and applications export as CSV and XLSX: Chinese headers, states and statuses
in words, one audit entry each; a partner's file holds its own courses only and it gets
no applications file; an officer's file holds their office's people only, masked."""

from __future__ import annotations

import pytest

from core.audit_actions import AuditAction
from tests.export_support import csv_rows, xlsx_rows
from tests.factories import audit_events
from tests.jobs_bases.factories import make_partner, make_partner_user
from tests.jobs_bases.training_factories import make_course, make_desk, make_round
from tests.pages import html, login


@pytest.fixture()
def world(ctx):
    desk = make_desk()
    elsewhere = make_desk(town="水口镇")
    training_round = make_round(desk.admin)
    mine, theirs = make_partner(), make_partner()
    course = make_course(training_round, mine, admin=desk.admin, title="电工培训班")
    other = make_course(training_round, theirs, admin=desk.admin, title="茶艺培训班")
    application = desk.apply(desk.person(name="王小明"), [course])
    foreign = elsewhere.apply(elsewhere.person(name="陈大文"), [other])
    return {
        "admin": desk.admin.username,
        "officer": desk.officer.username,
        "officer_id": desk.officer.id,
        "partner": make_partner_user(mine).username,
        "application": application,
        "foreign": foreign,
    }


def test_the_courses_export_is_in_chinese_and_audited(web, world):
    login(web, world["admin"])
    assert "/courses/export?format=csv" in html(web.get("/courses"))

    rows = csv_rows(web.get("/courses/export?format=csv"))

    assert rows[0] == [
        "课程",
        "工种",
        "培训合作单位",
        "培训批次",
        "镇（街道）",
        "开始日期",
        "结束日期",
        "培训名额",
        "已占名额",
        "状态",
    ]
    titles = {row[0]: row for row in rows[1:]}
    assert set(titles) == {"电工培训班", "茶艺培训班"}
    assert titles["电工培训班"][7:] == ["2", "0", "报名中"]
    [entry] = audit_events(AuditAction.TRAINING_COURSE_EXPORT)
    assert entry.detail["rows"] == 2


def test_a_partners_courses_file_holds_its_own_courses_only(web, world):
    login(web, world["partner"])

    answer = web.get("/courses/export?format=xlsx")

    assert answer.status_code == 200
    cells = [cell for row in xlsx_rows(answer) for cell in row]
    assert "电工培训班" in cells and "茶艺培训班" not in cells


def test_a_partner_gets_no_applications_file(web, world):
    login(web, world["partner"])

    assert web.get("/courses/applications/export?format=csv").status_code == 404
    assert not audit_events(AuditAction.TRAINING_APPLICATION_EXPORT)


def test_an_officers_applications_file_holds_their_people_masked(web, world):
    login(web, world["officer"])
    assert "/courses/applications/export?format=csv" in html(web.get("/courses/applications"))

    answer = web.get("/courses/applications/export?format=csv&status=submitted")

    rows = csv_rows(answer)
    assert f"applications_{world['officer']}_" in answer.headers["Content-Disposition"]
    assert rows[0] == ["编号", "帮扶对象", "未成年人", "镇（街道）", "培训批次", "报名时间", "状态"]
    assert [row[0] for row in rows[1:]] == [str(world["application"])]
    assert rows[1][1] != "王小明" and rows[1][1].startswith("王")
    assert rows[1][-1] == "等待分配"
    assert "陈大文" not in answer.data.decode("utf-8-sig")
    [entry] = audit_events(AuditAction.TRAINING_APPLICATION_EXPORT)
    assert entry.actor_id == world["officer_id"] and entry.detail["filters"] == {
        "status": "submitted"
    }
