"""Reconciliation both ways: a payment or refund the ledger booked but the provider does
not know (or knows otherwise) is a discrepancy, shown and reported until finance settles
it; what the provider did and the ledger lacks is still repaired."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from core.db import db
from core.users import Role
from donations.donors.models import Donor
from donations.giving.models import Discrepancy, Donation
from donations.giving.services import DonationRequest, start_donation
from donations.ledger.check import check_ledger
from donations.payments.config import make_gateway
from donations.payments.gateway import PaymentGateway
from donations.payments.sandbox import HttpPaymentGateway
from tests.donations.conftest import post_webhook
from tests.donations.factories import (
    DonationRef,
    make_donation,
    make_donor,
    make_project,
    refund_event,
    succeeded_event,
    unique,
)
from tests.factories import fresh as reload
from tests.factories import (
    make_staff,
)
from tests.pages import login_in_english
from tests.sandboxes.conftest import PAYMENTS_PUBLISHABLE_KEY, PaymentsSandboxProcess

# The development default every checkout publishes (donations/payments/config.py).
PUBLISHED_WEBHOOK_SECRET = "whsec_dev_sandbox"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PaymentsSandboxProcess]:
    """A provider of this module's own: its event list holds only these tests' payments."""
    process = PaymentsSandboxProcess(tmp_path_factory.mktemp("two_sided"))
    process.start()
    yield process
    process.stop()


@pytest.fixture()
def gateway(
    app: Flask, sandbox: PaymentsSandboxProcess, monkeypatch: pytest.MonkeyPatch
) -> Iterator[PaymentGateway]:
    made = make_gateway({**app.config, "PAYMENT_API_BASE": sandbox.url})
    monkeypatch.setitem(app.extensions, "payment_gateway", made)
    monkeypatch.setitem(app.config, "PAYMENT_WEBHOOK_SECRETS", PUBLISHED_WEBHOOK_SECRET)
    yield made
    assert isinstance(made, HttpPaymentGateway)
    made.close()


pytestmark = pytest.mark.usefixtures("ctx")


def _paid_at_the_provider(
    gateway: PaymentGateway, sandbox: PaymentsSandboxProcess, project_id: str, amount_fen: int
) -> DonationRef:
    """A donation started and paid at the provider; its webhook is not delivered (the
    provider has no endpoint here), so reconciliation books it from the event list."""
    donor = db.session.get_one(Donor, make_donor())
    donation, _ = start_donation(
        donor, DonationRequest(project_id=project_id, amount_fen=amount_fen), unique("k-"), gateway
    )
    ref = DonationRef(donation.id, donation.payment_intent_id or "", project_id, amount_fen)
    with sandbox.http(key=PAYMENTS_PUBLISHABLE_KEY) as http:
        confirmed = http.post(
            f"/v1/payment_intents/{ref.intent_id}/confirm",
            data={"payment_method": "pm_card_visa", "client_secret": donation.client_secret},
        )
    assert confirmed.status_code == 200, confirmed.text
    return ref


def _reconcile(app: Flask) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["reconcile"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def _discrepancies() -> list[tuple[str, str, int, int | None, str]]:
    return [
        (d.kind, d.object_id, d.amount_fen, d.provider_fen, d.provider_status)
        for d in db.session.scalars(
            select(Discrepancy).order_by(Discrepancy.id).execution_options(populate_existing=True)
        )
    ]


def test_a_forged_payment_is_a_discrepancy_and_reconcile_fails(app, client, gateway, sandbox):
    project_id = make_project()
    genuine = _paid_at_the_provider(gateway, sandbox, project_id, 8_800)
    forged = make_donation(project_id, 500_000)
    # Signed with the published development secret: the webhook accepts it.
    answer = post_webhook(client, succeeded_event(forged), secret=PUBLISHED_WEBHOOK_SECRET)
    assert answer.json == {"received": True, "outcome": "applied"}

    code, output = _reconcile(app)

    assert code == 1, output
    assert forged.intent_id in output
    assert reload(Donation, genuine.id).status == "succeeded"  # booked from the event list
    assert _discrepancies() == [("payment_not_at_provider", forged.intent_id, 500_000, None, "")]
    # Found once: the next run reports it again but records nothing new.
    assert _reconcile(app)[0] == 1
    assert len(_discrepancies()) == 1

    finance = make_staff(Role.FINANCE)
    browser = app.test_client()
    login_in_english(browser, finance.username)
    page = browser.get("/finance/reconciliation").get_data(as_text=True)
    listed = _table(page, "open-discrepancies")
    assert forged.intent_id in listed and "¥5,000.00" in listed
    assert genuine.intent_id not in listed


def test_a_payment_the_provider_knows_otherwise_is_a_discrepancy(app, client, gateway, sandbox):
    project_id = make_project()
    donor = db.session.get_one(Donor, make_donor())
    unpaid, _ = start_donation(
        donor, DonationRequest(project_id=project_id, amount_fen=3_000), unique("k-"), gateway
    )
    ref = DonationRef(unpaid.id, unpaid.payment_intent_id or "", project_id, 3_000)
    post_webhook(client, succeeded_event(ref), secret=PUBLISHED_WEBHOOK_SECRET)

    code, _ = _reconcile(app)

    assert code == 1
    assert _discrepancies() == [
        ("payment_differs", ref.intent_id, 3_000, 3_000, "requires_payment_method")
    ]


def test_a_refund_the_provider_never_made_is_a_discrepancy(app, client, gateway, sandbox):
    genuine = _paid_at_the_provider(gateway, sandbox, make_project(), 6_000)
    assert _reconcile(app)[0] == 0
    forged_refund = unique("re_")
    event = refund_event("refund.created", forged_refund, genuine.intent_id, 2_000)
    post_webhook(client, event, secret=PUBLISHED_WEBHOOK_SECRET)

    code, output = _reconcile(app)

    assert code == 1 and forged_refund in output
    assert _discrepancies() == [("refund_not_at_provider", forged_refund, 2_000, None, "")]


def test_a_refund_made_at_the_provider_is_still_repaired(app, gateway, sandbox):
    genuine = _paid_at_the_provider(gateway, sandbox, make_project(), 6_000)
    assert _reconcile(app)[0] == 0
    gateway.create_refund(genuine.intent_id, 2_500, {}, unique("refund-"))

    code, output = _reconcile(app)

    assert code == 0, output
    repaired = reload(Donation, genuine.id)
    assert (repaired.status, repaired.refunded_fen) == ("partially_refunded", 2_500)
    assert _discrepancies() == []
    assert check_ledger().ok


def test_reconcile_passes_again_once_finance_settles_the_discrepancy(app, client, gateway):
    forged = make_donation(make_project(), 1_000)
    post_webhook(client, succeeded_event(forged), secret=PUBLISHED_WEBHOOK_SECRET)
    assert _reconcile(app)[0] == 1
    [found_id] = db.session.scalars(select(Discrepancy.id)).all()
    finance = app.test_client()
    login_in_english(finance, make_staff(Role.FINANCE).username)

    finance.post(
        f"/finance/discrepancies/{found_id}/settle",
        data={"note": "伪造的支付通知，已报案；密钥已更换"},
    )

    code, output = _reconcile(app)
    assert code == 0, output
    assert _discrepancies() == [("payment_not_at_provider", forged.intent_id, 1_000, None, "")]


def _table(page: str, table_id: str) -> str:
    found = re.search(rf'<table class="data" id="{table_id}"[^>]*>(.*?)</table>', page, re.S)
    assert found, f"no table #{table_id}"
    return found.group(1)
