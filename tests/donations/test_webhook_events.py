"""What a verified webhook does to our records: once, forward only, and never on a mismatch."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from core.audit import AuditEvent
from core.db import db
from donations.giving.models import Donation, DonationStatus, ProviderEvent
from donations.ledger.check import check_ledger
from donations.ledger.models import JournalEntry
from tests.donations.conftest import post_webhook
from tests.donations.factories import (
    DonationRef,
    donation_event,
    entries_of,
    intent_event,
    make_donation,
    make_project,
    provider_events_about,
    succeeded_event,
)
from tests.factories import fresh

pytestmark = pytest.mark.usefixtures("ctx", "webhook_secret")


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _failed_event(donation: DonationRef) -> dict[str, Any]:
    return donation_event("payment_intent.payment_failed", donation)


def test_event_about_a_payment_we_did_not_create_is_acknowledged_and_ignored(client):
    ours = make_donation(make_project(), 5_000)
    before = (_count(ProviderEvent), _count(JournalEntry), _count(AuditEvent))

    response = post_webhook(
        client, intent_event("payment_intent.succeeded", "pi_someone_elses", 5_000)
    )

    assert response.status_code == 200
    assert response.get_json()["outcome"] == "ignored"
    assert (_count(ProviderEvent), _count(JournalEntry), _count(AuditEvent)) == before
    assert fresh(Donation, ours.id).status == DonationStatus.PENDING


def test_succeeded_payment_marks_the_donation_and_posts_one_entry(client):
    donation = make_donation(make_project(), 12_345)

    response = post_webhook(client, succeeded_event(donation))

    assert response.status_code == 200
    paid = fresh(Donation, donation.id)
    assert paid.status == DonationStatus.SUCCEEDED
    assert paid.paid_at is not None
    assert (paid.to_pool_fen, paid.to_need_fen) == (12_345, 0)
    assert entries_of(donation.id) == 1
    report = check_ledger()
    assert report.ok, report.problems
    assert report.balances["clearing"] == 12_345


def test_the_same_event_delivered_twice_posts_once(client):
    donation = make_donation(make_project(), 8_000)
    event = succeeded_event(donation)

    first = post_webhook(client, event)
    second = post_webhook(client, event)

    assert (first.get_json()["outcome"], second.get_json()["outcome"]) == ("applied", "duplicate")
    assert entries_of(donation.id) == 1
    assert len(provider_events_about(donation.intent_id)) == 1
    assert check_ledger().ok


def test_a_second_succeeded_event_for_the_same_payment_posts_nothing(client):
    # Reconciliation and the webhook may carry different events about one payment.
    donation = make_donation(make_project(), 8_000)

    post_webhook(client, succeeded_event(donation))
    again = post_webhook(client, succeeded_event(donation))

    assert again.get_json()["outcome"] == "no_change"
    assert entries_of(donation.id) == 1
    assert check_ledger().ok


def test_late_failure_after_success_changes_nothing(client):
    donation = make_donation(make_project(), 8_000)
    post_webhook(client, succeeded_event(donation))

    response = post_webhook(client, _failed_event(donation))

    assert response.status_code == 200
    assert (response.json or {})["outcome"] == "no_change"
    assert fresh(Donation, donation.id).status == DonationStatus.SUCCEEDED
    assert entries_of(donation.id) == 1
    assert check_ledger().ok


def test_failure_then_success_is_a_retry_that_succeeds(client):
    donation = make_donation(make_project(), 8_000)

    post_webhook(client, _failed_event(donation))
    assert fresh(Donation, donation.id).status == DonationStatus.FAILED
    assert entries_of(donation.id) == 0
    post_webhook(client, succeeded_event(donation))

    assert fresh(Donation, donation.id).status == DonationStatus.SUCCEEDED
    assert entries_of(donation.id) == 1
    assert check_ledger().ok


@pytest.mark.parametrize(
    ("amount_fen", "currency"), [(7_999, "cny"), (80_000, "cny"), (8_000, "usd")]
)
def test_amount_or_currency_mismatch_is_recorded_not_booked(client, amount_fen, currency):
    donation = make_donation(make_project(), 8_000)
    event = succeeded_event(donation, amount_fen=amount_fen, currency=currency)

    response = post_webhook(client, event)

    assert response.status_code == 200
    assert (response.json or {})["outcome"] == "mismatch"
    assert fresh(Donation, donation.id).status == DonationStatus.PENDING
    assert entries_of(donation.id) == 0
    (recorded,) = provider_events_about(donation.intent_id)
    assert (recorded.id, recorded.outcome) == (event["id"], "mismatch")
    report = check_ledger()
    assert not report.ok
    assert any("disagree" in problem for problem in report.problems)
    assert db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "payment.mismatch", AuditEvent.object_id == donation.id
        )
    )
    # A redelivery of the mismatched event is a duplicate, still not booked.
    assert post_webhook(client, event).get_json()["outcome"] == "duplicate"
    assert entries_of(donation.id) == 0


def test_cancelled_payment_closes_a_pending_donation(client):
    donation = make_donation(make_project(), 3_000)

    post_webhook(client, donation_event("payment_intent.canceled", donation))

    assert fresh(Donation, donation.id).status == DonationStatus.CANCELLED
    assert entries_of(donation.id) == 0
    assert check_ledger().ok
