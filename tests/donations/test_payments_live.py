"""End to end: a donation started by the platform, paid at the sandbox over HTTP, booked by
the webhook the sandbox POSTs to a live server, whatever the network does to it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from core.audit_actions import AuditAction
from core.db import db
from core.users import Role
from donations.giving.models import ReconcileRun
from donations.giving.reconciliation import reconcile
from tests.donations.conftest import (
    LiveStack,
    a_project_and_donor,
    donation_state,
    ended,
    events_recorded,
    ledger_ok,
    pay,
    start,
    wait_for_status,
)
from tests.factories import audit_events, make_user
from tests.pages import login
from tests.sandboxes.conftest import payments_wait_until


def test_paid_donation_is_booked_once_by_the_webhook(live):
    project_id, donor_id = a_project_and_donor()
    donation = start(live, donor_id, project_id, 20_000)
    assert donation.intent_id.startswith("pi_")
    assert donation_state(donation.id)["status"] == "pending"

    response = pay(live, donation)

    assert response.status_code == 200
    assert response.json()["status"] == "succeeded"
    state = wait_for_status(donation.id, "succeeded")
    assert state["entries"] == 1
    assert (state["to_pool_fen"], state["to_need_fen"]) == (20_000, 0)
    ((_, outcome, via),) = events_recorded(donation.intent_id, "payment_intent.succeeded")
    assert (outcome, via) == ("applied", "webhook")
    assert ledger_ok() == (True, [])


def test_declined_card_fails_then_a_retry_with_another_card_succeeds(live):
    project_id, donor_id = a_project_and_donor()
    donation = start(live, donor_id, project_id, 5_000)

    declined = pay(live, donation, "pm_card_chargeDeclined")

    assert declined.status_code == 402
    assert declined.json()["error"]["type"] == "card_error"
    failed = wait_for_status(donation.id, "failed")
    assert failed["entries"] == 0

    retried = pay(live, donation, "pm_card_visa")

    assert retried.status_code == 200
    state = wait_for_status(donation.id, "succeeded")
    assert state["entries"] == 1
    assert ledger_ok() == (True, [])


def test_duplicated_and_reordered_webhooks_book_each_payment_once(live):
    project_id, donor_id = a_project_and_donor()
    donations = [start(live, donor_id, project_id, 1_000 * (i + 1)) for i in range(4)]
    live.set_faults(webhook_duplicate_rate=1.0, webhook_reorder=True, seed=7)

    for donation in donations:
        assert pay(live, donation).status_code == 200
    for donation in donations:
        wait_for_status(donation.id, "succeeded")
    live.flush()

    for donation in donations:
        deliveries = live.deliveries(donation.intent_id, "payment_intent.succeeded")
        assert deliveries and all(d["status"] == "delivered" for d in deliveries)
        assert sum(d["duplicates"] for d in deliveries) >= 1, "the sandbox did not duplicate"
        assert donation_state(donation.id)["entries"] == 1
        assert len(events_recorded(donation.intent_id, "payment_intent.succeeded")) == 1
    assert ledger_ok() == (True, [])


def latest_run_report() -> dict[str, Any]:
    def read() -> dict[str, Any]:
        run = db.session.scalar(select(ReconcileRun).order_by(ReconcileRun.id.desc()).limit(1))
        assert run is not None
        return {"ok": run.ok, "applied": run.applied, **run.report}

    report: dict[str, Any] = ended(read)
    return report


def pay_someone_else(live: LiveStack, amount_fen: int) -> str:
    """A payment on the same provider account that the platform did not start."""
    with live.sandbox.http() as http:
        response = http.post(
            "/v1/payment_intents",
            data={
                "amount": amount_fen,
                "currency": "cny",
                "payment_method": "pm_card_visa",
                "confirm": "true",
            },
        )
    assert response.json()["status"] == "succeeded"
    intent_id: str = response.json()["id"]
    return intent_id


def test_a_lost_webhook_leaves_the_donation_pending_until_reconciliation(live):
    project_id, donor_id = a_project_and_donor()
    donation = start(live, donor_id, project_id, 8_800)
    live.set_faults(webhook_drop_rate=1.0)

    assert pay(live, donation).status_code == 200
    foreign = pay_someone_else(live, 4_400)
    live.flush()

    deliveries = live.deliveries(donation.intent_id, "payment_intent.succeeded")
    assert deliveries and all(d["status"] == "dropped" for d in deliveries)
    state = donation_state(donation.id)
    assert (state["status"], state["entries"]) == ("pending", 0)

    result = live.app.test_cli_runner().invoke(args=["reconcile"])

    assert result.exit_code == 0, result.output
    assert "0 differences" in result.output
    state = donation_state(donation.id)
    assert (state["status"], state["entries"]) == ("succeeded", 1)
    ((_, outcome, via),) = events_recorded(donation.intent_id, "payment_intent.succeeded")
    assert (outcome, via) == ("applied", "reconcile")
    assert events_recorded(foreign, "payment_intent.succeeded") == []
    report = latest_run_report()
    assert report["ok"] and report["applied"] >= 1
    assert report["differences"] == []
    assert report["days"], "the run compared no day"
    for day in report["days"]:
        assert day["provider_fen"] == day["ledger_fen"], day
        assert day["difference_fen"] == 0
    check = live.app.test_cli_runner().invoke(args=["ledger-check"])
    assert check.exit_code == 0, check.output
    assert "all invariants hold" in check.output


def test_payment_whose_webhook_our_server_refuses_is_repaired_by_reconciliation(live):
    project_id, donor_id = a_project_and_donor()
    donation = start(live, donor_id, project_id, 3_300)
    live.switch.webhook_down = True

    assert pay(live, donation).status_code == 200
    payments_wait_until(
        lambda: any(
            d["last_status_code"] == 500
            for d in live.deliveries(donation.intent_id, "payment_intent.succeeded")
        ),
        what="the sandbox to be refused by our webhook",
    )
    assert donation_state(donation.id)["status"] == "pending"

    ok, applied = ended(lambda: (run := reconcile(live.gateway)) and (run.ok, run.applied))

    state = donation_state(donation.id)
    assert (state["status"], state["entries"]) == ("succeeded", 1)
    assert events_recorded(donation.intent_id, "payment_intent.succeeded")[0][2] == "reconcile"
    assert ok and applied >= 1
    # Our server comes back: the provider's retries are now duplicates.
    live.switch.webhook_down = False
    live.quiesce()
    assert donation_state(donation.id)["entries"] == 1
    assert ledger_ok() == (True, [])


def test_finance_runs_reconciliation_from_its_page_and_the_run_is_audited(live):
    project_id, donor_id = a_project_and_donor()
    donation = start(live, donor_id, project_id, 2_200)
    live.set_faults(webhook_drop_rate=1.0)
    assert pay(live, donation).status_code == 200
    live.flush()
    finance_id, username = ended(signed_up_finance)
    desk = live.app.test_client()
    login(desk, username)

    assert desk.post("/finance/reconciliation").status_code == 302

    assert donation_state(donation.id)["status"] == "succeeded"
    runs = ended(
        lambda: [
            (event.object_type, event.object_id, event.detail["ok"])
            for event in audit_events(AuditAction.FINANCE_RECONCILE)
            if event.actor_id == finance_id
        ]
    )
    assert runs == [("reconcile_run", str(latest_run_id()), True)]


def signed_up_finance() -> tuple[int, str]:
    user = make_user(Role.FINANCE)
    return user.id, user.username


def latest_run_id() -> int:
    run_id: int = ended(lambda: db.session.scalar(select(func.max(ReconcileRun.id))))
    return run_id
