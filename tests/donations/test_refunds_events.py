"""Refund events from the provider: the ledger follows them once, whatever their order."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.db import db
from donations.giving.events import apply_event
from donations.giving.models import Donation, Refund
from donations.ledger.check import check_ledger
from tests.donations.factories import (
    entries_of,
    make_donation,
    make_project,
    refund_event,
    succeeded_event,
    unique,
)
from tests.factories import fresh

pytestmark = pytest.mark.usefixtures("ctx")


def _refund_rows(donation_id: str) -> list[tuple[int, str, bool]]:
    return [
        (r.amount_fen, r.status, r.applied_at is not None)
        for r in db.session.scalars(
            select(Refund).where(Refund.donation_id == donation_id).order_by(Refund.id)
        )
    ]


def test_refund_made_at_the_provider_is_recorded_and_booked():
    donation = make_donation(make_project(), 10_000)
    apply_event(succeeded_event(donation), via="webhook")
    refund_id = unique("re_")

    outcome = apply_event(
        refund_event("refund.created", refund_id, donation.intent_id, 2_500), via="webhook"
    )

    assert outcome == "applied"
    paid = fresh(Donation, donation.id)
    assert (paid.status, paid.refunded_fen) == ("partially_refunded", 2_500)
    assert _refund_rows(donation.id) == [(2_500, "succeeded", True)]
    assert entries_of(donation.id) == 2
    assert check_ledger().ok


def test_refund_event_that_overtakes_its_payment_is_booked_with_the_payment():
    donation = make_donation(make_project(), 10_000)
    refund_id = unique("re_")

    apply_event(refund_event("refund.created", refund_id, donation.intent_id, 10_000), "webhook")

    waiting = fresh(Donation, donation.id)
    assert (waiting.status, waiting.refunded_fen) == ("pending", 0)
    assert entries_of(donation.id) == 0
    assert _refund_rows(donation.id) == [(10_000, "succeeded", False)]
    assert check_ledger().ok

    apply_event(succeeded_event(donation), via="webhook")

    settled = fresh(Donation, donation.id)
    assert (settled.status, settled.refunded_fen) == ("refunded", 10_000)
    assert entries_of(donation.id) == 2
    assert _refund_rows(donation.id) == [(10_000, "succeeded", True)]
    report = check_ledger()
    assert report.ok, report.problems
    assert report.balances["clearing"] == 0


def test_late_pending_refund_event_does_not_undo_a_succeeded_one():
    donation = make_donation(make_project(), 6_000)
    refund_id = unique("re_")
    # Not yet paid as far as we know: the refund waits, and must stay succeeded.
    apply_event(refund_event("refund.updated", refund_id, donation.intent_id, 1_000), "webhook")

    apply_event(
        refund_event("refund.created", refund_id, donation.intent_id, 1_000, status="pending"),
        via="webhook",
    )
    apply_event(succeeded_event(donation), via="webhook")

    assert _refund_rows(donation.id) == [(1_000, "succeeded", True)]
    assert fresh(Donation, donation.id).refunded_fen == 1_000
    assert check_ledger().ok


def test_refund_event_delivered_twice_takes_money_back_once():
    donation = make_donation(make_project(), 4_000)
    apply_event(succeeded_event(donation), via="webhook")
    refund_id = unique("re_")
    created = refund_event("refund.created", refund_id, donation.intent_id, 4_000)

    assert apply_event(created, via="webhook") == "applied"
    assert apply_event(created, via="reconcile") == "duplicate"
    updated = refund_event("refund.updated", refund_id, donation.intent_id, 4_000)
    assert apply_event(updated, via="webhook") == "no_change"

    assert fresh(Donation, donation.id).status == "refunded"
    assert entries_of(donation.id) == 2
    assert check_ledger().ok
