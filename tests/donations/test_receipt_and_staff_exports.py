"""Receipt requests and staff accounts export as CSV and XLSX: Chinese headers, yuan,
one audit entry each; the name on a receipt is masked and the credit code left out;
only admins export staff accounts."""

from __future__ import annotations

from core.audit_actions import AuditAction
from core.db import db
from core.users import Role
from donations.donors.receipts import request_receipt
from donations.giving.models import Donation
from tests.donations.factories import give, make_donor, make_project
from tests.export_support import csv_rows, xlsx_rows
from tests.factories import audit_events, make_staff
from tests.pages import html, login
from tests.portal import test_web_harness as harness

web = harness.web


def test_receipt_requests_export_masks_the_name_and_drops_the_credit_code(web, ctx):
    donation_id = give(make_project(), 123_450, donor_id=make_donor())
    donation = db.session.get_one(Donation, donation_id)
    certificate = donation.certificate_no
    request_receipt(donation, "欧阳小明", None)
    finance = make_staff(Role.FINANCE)
    login(web, finance.username)
    assert "/finance/receipts/export?format=csv" in html(web.get("/finance/receipts"))

    answer = web.get("/finance/receipts/export?format=csv")

    rows = csv_rows(answer)
    assert f"receipt-requests_{finance.username}_" in answer.headers["Content-Disposition"]
    assert rows[0] == ["申请时间", "票据抬头", "金额（元）", "捐赠证书"]
    [row] = rows[1:]
    assert row[2] == "1,234.50" and row[3] == (certificate or "")
    assert row[1] == "欧**明" and "欧阳小明" not in answer.data.decode("utf-8-sig")
    [entry] = audit_events(AuditAction.RECEIPT_EXPORT)
    assert entry.actor_id == finance.id and entry.detail["rows"] == 1


def test_an_officer_gets_no_receipts_file(web, ctx):
    login(web, make_staff(Role.OFFICER).username)

    assert web.get("/finance/receipts/export?format=csv").status_code in (403, 404)
    assert not audit_events(AuditAction.RECEIPT_EXPORT)


def test_staff_accounts_export_for_admins_only(web, ctx):
    admin = make_staff(Role.ADMIN)
    finance = make_staff(Role.FINANCE).username
    login(web, admin.username)
    assert "/admin/users/export?format=xlsx" in html(web.get("/admin/users"))

    answer = web.get("/admin/users/export?format=xlsx")

    assert answer.status_code == 200
    body = xlsx_rows(answer)
    header = body.index(["用户名", "显示名称", "角色", "管辖范围", "在册"])
    assert body[1][:2] == ["导出人", admin.display_name]
    [row] = [row for row in body[header:] if row[0] == finance]
    assert row[2] == "财务人员" and row[4] == "是"
    [entry] = audit_events(AuditAction.USER_EXPORT)
    assert entry.actor_id == admin.id and entry.detail["format"] == "xlsx"

    login(web, finance)
    assert web.get("/admin/users/export?format=csv").status_code in (403, 404)
    assert len(audit_events(AuditAction.USER_EXPORT)) == 1
