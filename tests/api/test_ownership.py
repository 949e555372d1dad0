"""A donor sees only their own donations; another's answers 404, like one that does not exist."""

from __future__ import annotations

from flask.testing import FlaskClient

from core.db import db
from core.users import Role
from donations.donors.models import ReceiptRequest
from donations.donors.receipts import mark_issued
from tests.api.conftest import UNIT_WEBHOOK_SECRET
from tests.api.support import MpApi, pay
from tests.donations.factories import make_project
from tests.factories import make_user

MISSING = "00000000-0000-0000-0000-000000000000"


def test_another_donors_donation_answers_404_everywhere(api: MpApi, client: FlaskClient) -> None:
    project = make_project()
    owner = api.login()
    created = api.donate(owner, {"project_id": project, "amount_fen": 10_000}).expect(201)
    pay(client, created, UNIT_WEBHOOK_SECRET)
    donation_id = created["donation"]["id"]
    assert api.get(f"/donations/{donation_id}", token=owner).status == 200
    assert api.get(f"/me/donations/{donation_id}/certificate", token=owner).status == 200

    stranger = api.login()
    for target in (donation_id, MISSING):
        answers = [
            api.get(f"/donations/{target}", token=stranger),
            api.get(f"/me/donations/{target}/certificate", token=stranger),
            api.get(f"/me/donations/{target}/certificate?format=png", token=stranger),
            api.post(f"/me/donations/{target}/receipt-request", {"name": "张三"}, token=stranger),
        ]
        for reply in answers:
            assert (reply.status, reply.error_code) == (404, "not_found")
    assert api.get("/me/donations", token=stranger).expect(200)["data"] == []
    # The stranger's attempt changed nothing for the owner.
    receipt = api.post(
        f"/me/donations/{donation_id}/receipt-request", {"name": "开平某公司"}, token=owner
    )
    assert receipt.expect(201)["name"] == "开平某公司"


def test_no_certificate_or_receipt_before_the_payment_succeeded(
    api: MpApi, client: FlaskClient
) -> None:
    project = make_project()
    token = api.login()
    created = api.donate(token, {"project_id": project, "amount_fen": 10_000}).expect(201)
    donation_id = created["donation"]["id"]
    for path in (
        f"/me/donations/{donation_id}/certificate",
        f"/me/donations/{donation_id}/certificate?format=png",
    ):
        reply = api.get(path, token=token)
        assert (reply.status, reply.error_code) == (404, "not_found")
    early = api.post(f"/me/donations/{donation_id}/receipt-request", {"name": "张三"}, token=token)
    assert (early.status, early.error_code) == (404, "not_found")
    pay(client, created, UNIT_WEBHOOK_SECRET)
    assert api.get(f"/me/donations/{donation_id}/certificate", token=token).status == 200


def test_receipt_request_checks_the_credit_code(api: MpApi, client: FlaskClient) -> None:
    project = make_project()
    token = api.login()
    created = api.donate(token, {"project_id": project, "amount_fen": 10_000}).expect(201)
    pay(client, created, UNIT_WEBHOOK_SECRET)
    path = f"/me/donations/{created['donation']['id']}/receipt-request"
    for body in (
        {"name": "某公司", "credit_code": "91440783MA00000000"},
        {"name": "某公司", "credit_code": "12345"},
        {"name": "   "},
        {},
        {"name": "某公司", "tax_id": "x"},
    ):
        reply = api.post(path, body, token=token)
        assert (reply.status, reply.error_code) == (400, "invalid_field"), body
    body = {"name": "某公司", "credit_code": "91440783ma54k3l2xw"}
    receipt = api.post(path, body, token=token).expect(201)
    assert receipt["credit_code"] == "91440783MA54K3L2XW"
    assert receipt["status"] == "requested"


def test_certificate_format_must_be_json_or_png(api: MpApi, client: FlaskClient) -> None:
    project = make_project()
    token = api.login()
    created = api.donate(token, {"project_id": project, "amount_fen": 10_000}).expect(201)
    pay(client, created, UNIT_WEBHOOK_SECRET)
    reply = api.get(
        f"/me/donations/{created['donation']['id']}/certificate?format=pdf", token=token
    )
    assert (reply.status, reply.error_code) == (400, "invalid_field")


def test_deleting_the_donor_withdraws_pending_receipts_and_keeps_issued_ones(
    api: MpApi, client: FlaskClient
) -> None:
    project = make_project()
    token = api.login()
    pending_id: list[str] = []
    issued_id: list[str] = []
    for holder, name in ((pending_id, "李小龙"), (issued_id, "开平某公司")):
        created = api.donate(token, {"project_id": project, "amount_fen": 10_000}).expect(201)
        pay(client, created, UNIT_WEBHOOK_SECRET)
        path = f"/me/donations/{created['donation']['id']}/receipt-request"
        holder.append(api.post(path, {"name": name}, token=token).expect(201)["id"])
    mark_issued(make_user(Role.FINANCE), issued_id[0], "KP-R-0001")

    assert api.delete("/me", token=token).status == 204

    pending = db.session.get_one(ReceiptRequest, pending_id[0])
    issued = db.session.get_one(ReceiptRequest, issued_id[0])
    db.session.refresh(pending)
    db.session.refresh(issued)
    assert (pending.name, pending.credit_code, pending.status) == (None, None, "withdrawn")
    assert (issued.name, issued.status, issued.receipt_no) == ("开平某公司", "issued", "KP-R-0001")
    notice = api.get("/privacy").expect(200)
    assert "已开具的公益事业捐赠票据" in notice["text"]
