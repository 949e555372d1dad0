"""Programmes and volunteers export as CSV and XLSX: Chinese headers, states in words,
one audit entry each; a coordinator's programmes file holds their own programmes; the
volunteers file identifies nobody (masked name, no username, email or phone)."""

from __future__ import annotations

from core.audit_actions import AuditAction
from core.users import Role
from tests.export_support import csv_rows, xlsx_rows
from tests.factories import audit_events, make_staff
from tests.pages import html, login
from tests.portal import test_web_harness as harness
from tests.volunteers.factories import (
    make_approved_volunteer,
    make_coordinator,
    make_programme,
    make_volunteer,
)

web = harness.web


def test_a_coordinators_programmes_file_holds_their_programmes(web, ctx):
    mine, theirs = make_coordinator(), make_coordinator()
    make_programme(mine, "关爱长者")
    make_programme(theirs, "社区清洁")
    login(web, mine.username)
    assert "/programs/export?format=csv" in html(web.get("/programs"))

    rows = csv_rows(web.get("/programs/export?format=csv"))

    assert rows[0] == ["项目", "合作单位", "状态"]
    assert [row[0] for row in rows[1:]] == ["关爱长者"]
    assert rows[1][2] == "向志愿者开放"
    [entry] = audit_events(AuditAction.PROGRAMME_EXPORT)
    assert entry.actor_id == mine.id and entry.detail["rows"] == 1


def test_the_volunteers_file_identifies_nobody(web, ctx):
    approved = make_approved_volunteer(display_name="张志愿", username="zhang-vol")
    pending = make_volunteer(display_name="李待审", username="li-vol")
    approved_id, pending_id = approved.id, pending.id
    email, phone = str(approved.email), str(approved.phone)
    coordinator = make_coordinator()
    login(web, coordinator.username)
    assert "/volunteers/export?format=csv" in html(web.get("/volunteers"))

    answer = web.get("/volunteers/export?format=csv&status=approved")

    rows = csv_rows(answer)
    text = answer.data.decode("utf-8-sig")
    assert rows[0] == ["编号", "志愿者", "组织名称", "注册时间", "审核"]
    assert [row[0] for row in rows[1:]] == [str(approved_id)]
    assert str(pending_id) not in [row[0] for row in rows[1:]]
    assert rows[1][1] == "张*愿" and rows[1][4] == "已复核"
    for secret in ("张志愿", "zhang-vol", email, phone, "李待审"):
        assert secret not in text
    [entry] = audit_events(AuditAction.VOLUNTEER_EXPORT)
    assert entry.actor_id == coordinator.id and entry.detail["filters"] == {"status": "approved"}


def test_the_volunteers_xlsx_is_stamped(web, ctx):
    make_approved_volunteer()
    coordinator = make_coordinator()
    login(web, coordinator.username)

    answer = web.get("/volunteers/export?format=xlsx")

    assert f"volunteers_{coordinator.username}_" in answer.headers["Content-Disposition"]
    body = xlsx_rows(answer)
    assert body[1][:2] == ["导出人", coordinator.display_name]


def test_staff_outside_the_wing_get_no_volunteer_file(web, ctx):
    make_approved_volunteer()
    login(web, make_staff(Role.FINANCE).username)

    assert web.get("/volunteers/export?format=csv").status_code in (403, 404)
    assert web.get("/programs/export?format=csv").status_code in (403, 404)
    assert not audit_events(AuditAction.VOLUNTEER_EXPORT)
