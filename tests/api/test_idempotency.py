"""POST /donations with an Idempotency-Key: a retry answers the same donation and payment."""

from __future__ import annotations

import httpx
from flask.testing import FlaskClient
from sqlalchemy import func, select

from core.db import db
from donations.giving.models import Donation
from tests.api.conftest import UNIT_WEBHOOK_SECRET
from tests.api.support import SECRET_KEY, MpApi, decline, new_key, pay
from tests.donations.factories import list_need, make_project
from tests.factories import Office


def created_intents(api_base: str, donation_id: str) -> list[str]:
    """The provider's payment intents made for one donation (from its event list)."""
    page = httpx.get(
        f"{api_base}/v1/events",
        params={"type": "payment_intent.created", "limit": 100},
        headers={"Authorization": f"Bearer {SECRET_KEY}"},
        timeout=30,
        trust_env=False,
    )
    page.raise_for_status()
    return sorted(
        e["data"]["object"]["id"]
        for e in page.json()["data"]
        if e["data"]["object"]["metadata"].get("donation_id") == donation_id
    )


def test_same_key_and_body_answer_the_same_donation_and_one_payment(
    api: MpApi, office: Office
) -> None:
    project = make_project()
    need = list_need(office, project, 50_000)
    token = api.login()
    key = new_key()
    body = {"project_id": project, "need_id": need, "amount_fen": 10_000, "message": "加油"}
    first = api.donate(token, body, key)
    again = api.donate(token, body, key)
    assert first.status == 201
    assert again.status == 200
    assert again.json == first.json
    donation_id = first.json["donation"]["id"]
    payment = first.json["payment"]
    assert created_intents(payment["api_base"], donation_id) == [payment["payment_intent"]]
    count = db.session.scalar(
        select(func.count()).select_from(Donation).where(Donation.idempotency_key == key)
    )
    assert count == 1
    listed = api.get("/me/donations", token=token).expect(200)["data"]
    assert [d["id"] for d in listed] == [donation_id]


def test_same_key_with_another_body_is_a_conflict(api: MpApi) -> None:
    project = make_project()
    token = api.login()
    key = new_key()
    first = api.donate(token, {"project_id": project, "amount_fen": 1_000}, key).expect(201)
    for changed in (
        {"project_id": project, "amount_fen": 2_000},
        {"project_id": project, "amount_fen": 1_000, "anonymous": True},
        {"project_id": project, "amount_fen": 1_000, "message": "另一条留言"},
    ):
        reply = api.donate(token, changed, key)
        assert (reply.status, reply.error_code) == (409, "idempotency_conflict"), changed
    replay = api.donate(token, {"project_id": project, "amount_fen": 1_000}, key)
    assert replay.expect(200)["donation"]["id"] == first["donation"]["id"]


def test_a_missing_key_is_refused_before_anything_is_made(api: MpApi) -> None:
    project = make_project()
    token = api.login()
    for headers in ({}, {"Idempotency-Key": ""}, {"Idempotency-Key": "   "}):
        reply = api.post(
            "/donations", {"project_id": project, "amount_fen": 1_000}, token=token, headers=headers
        )
        assert (reply.status, reply.error_code) == (400, "idempotency_key_required")
    assert api.get("/me/donations", token=token).expect(200)["data"] == []


def test_keys_belong_to_one_donor(api: MpApi) -> None:
    project = make_project()
    key = new_key()
    body = {"project_id": project, "amount_fen": 1_000}
    mine = api.donate(api.login(), body, key).expect(201)
    theirs = api.donate(api.login(), body, key).expect(201)
    assert mine["donation"]["id"] != theirs["donation"]["id"]
    assert mine["payment"]["payment_intent"] != theirs["payment"]["payment_intent"]


def test_a_replay_answers_the_donation_as_it_is_now(
    api: MpApi, office: Office, client: FlaskClient
) -> None:
    """The replay is the same donation: a rule that changed since (the need filled up
    with another donor's gift) does not turn the retry into an error."""
    project = make_project()
    need = list_need(office, project, 1_000)
    token = api.login()
    key = new_key()
    body = {"project_id": project, "need_id": need, "amount_fen": 1_000}
    first = api.donate(token, body, key).expect(201)
    pay(client, api.donate(api.login(), body).expect(201), UNIT_WEBHOOK_SECRET)
    assert api.get(f"/needs/{need}").expect(200)["status"] == "funded"
    replay = api.donate(token, body, key).expect(200)
    assert replay["donation"]["id"] == first["donation"]["id"]
    assert replay["payment"] == first["payment"]


def test_a_declined_payment_is_retried_with_the_same_donation(
    api: MpApi, client: FlaskClient
) -> None:
    """Only `succeeded` is final: after a decline the donor pays again with the same
    payment object, and no second donation or payment is made."""
    project = make_project()
    token = api.login()
    key = new_key()
    body = {"project_id": project, "amount_fen": 3_000}
    created = api.donate(token, body, key).expect(201)
    donation_id = created["donation"]["id"]
    decline(client, created, UNIT_WEBHOOK_SECRET)
    assert api.get(f"/donations/{donation_id}", token=token).expect(200)["status"] == "failed"
    assert api.get(f"/me/donations/{donation_id}/certificate", token=token).status == 404
    retry = api.donate(token, body, key).expect(200)
    assert retry["payment"] == created["payment"]
    pay(client, retry, UNIT_WEBHOOK_SECRET)
    paid = api.get(f"/donations/{donation_id}", token=token).expect(200)
    assert paid["status"] == "succeeded" and paid["paid_at"] is not None
    assert created_intents(created["payment"]["api_base"], donation_id) == [
        created["payment"]["payment_intent"]
    ]
