"""Official donation receipts: the donor asks through the mini-program, finance issues the
receipt on the staff page, and the donor then reads its number; issuing is audited."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from core.audit_actions import AuditAction
from core.users import Role
from tests.api.conftest import UNIT_WEBHOOK_SECRET
from tests.api.support import MpApi, pay
from tests.donations.factories import make_project
from tests.factories import audit_events, make_user
from tests.pages import login


def test_finance_issues_a_requested_receipt_and_the_donor_reads_its_number(
    api: MpApi, client: FlaskClient, app: Flask
) -> None:
    token = api.login()
    created = api.donate(token, {"project_id": make_project(), "amount_fen": 20_000})
    pay(client, created.expect(201), UNIT_WEBHOOK_SECRET)
    donation_id = created.json["donation"]["id"]
    path = f"/me/donations/{donation_id}/receipt-request"
    asked = api.post(path, {"name": "开平市某某贸易有限公司"}, token=token).expect(201)
    assert (asked["status"], asked["receipt_no"]) == ("requested", None)
    finance = make_user(Role.FINANCE)
    finance_id, username = finance.id, finance.username
    desk = app.test_client()
    login(desk, username)
    assert asked["id"] in desk.get("/finance/receipts").get_data(as_text=True)

    issued = desk.post(
        "/finance/receipts", data={"receipt_id": asked["id"], "receipt_no": "粤财0012345"}
    )

    assert issued.status_code == 302
    again = api.post(path, {"name": "开平市某某贸易有限公司"}, token=token).expect(200)
    assert (again["status"], again["receipt_no"]) == ("issued", "粤财0012345")
    [entry] = audit_events(AuditAction.RECEIPT_ISSUE, donation_id)
    assert (entry.actor_id, entry.detail) == (finance_id, {"receipt_no": "粤财0012345"})
