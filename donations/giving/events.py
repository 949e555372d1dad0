"""Apply one provider event to our records, exactly once, in one transaction.

The event id is stored (unique) in the same transaction as its effect, and every
ledger entry carries a unique source key, so duplicated, reordered, concurrent
or replayed deliveries change the ledger at most once. Status changes only move
forward: a late `payment_failed` after `succeeded` changes nothing, while a
failure before success leaves the donation open for a retry with the same
payment intent. Events about objects we did not create are acknowledged and
ignored.
"""

from __future__ import annotations

import enum
import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from donations.giving.booking import apply_refund, receive_payment
from donations.giving.models import Donation, DonationStatus, ProviderEvent, Refund, RefundStatus
from donations.giving.waiting import announce
from donations.payments.event_types import APPLIED_TYPES

log = logging.getLogger(__name__)


class Outcome(enum.StrEnum):
    APPLIED = "applied"
    NO_CHANGE = "no_change"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    MISMATCH = "mismatch"


OPEN_STATUSES = (DonationStatus.PENDING, DonationStatus.FAILED)
PAID_STATUSES = (
    DonationStatus.SUCCEEDED,
    DonationStatus.PARTIALLY_REFUNDED,
    DonationStatus.REFUNDED,
)
FINAL_REFUND_STATUSES = (RefundStatus.SUCCEEDED, RefundStatus.FAILED, RefundStatus.CANCELED)


def _donation_for_intent(intent: dict[str, Any]) -> Donation | None:
    donation_id = (intent.get("metadata") or {}).get("donation_id")
    query = select(Donation).with_for_update()
    if donation_id:
        donation = db.session.scalar(query.where(Donation.id == str(donation_id)))
        if donation is not None and donation.payment_intent_id in (None, intent.get("id")):
            return donation
    return db.session.scalar(query.where(Donation.payment_intent_id == str(intent.get("id"))))


def _intent_effect(event_type: str, intent: dict[str, Any]) -> tuple[Outcome, str]:
    donation = _donation_for_intent(intent)
    if donation is None:
        return Outcome.IGNORED, "not a payment we created"
    if donation.payment_intent_id is None:
        donation.payment_intent_id = str(intent["id"])
    if event_type == "payment_intent.succeeded":
        amount = int(intent.get("amount_received") or intent.get("amount") or 0)
        currency = str(intent.get("currency", "")).lower()
        if amount != donation.amount_fen or currency != donation.currency:
            audit.record(
                Actor.system("payments"),
                AuditAction.PAYMENT_MISMATCH,
                "donation",
                donation.id,
                expected=[donation.amount_fen, donation.currency],
                got=[amount, currency],
            )
            return Outcome.MISMATCH, f"expected {donation.amount_fen} {donation.currency}"
        if receive_payment(donation, f"pi:{intent['id']}:succeeded"):
            _book_waiting_refunds(donation)
            announce(donation.id)
            return Outcome.APPLIED, "payment received"
        return Outcome.NO_CHANGE, "already received"
    if event_type == "payment_intent.payment_failed":
        if donation.status == DonationStatus.PENDING:
            donation.status = DonationStatus.FAILED
            announce(donation.id)
            return Outcome.APPLIED, "payment failed; donor may retry"
        return Outcome.NO_CHANGE, f"donation is {donation.status}"
    if event_type == "payment_intent.canceled":
        if donation.status in OPEN_STATUSES:
            donation.status = DonationStatus.CANCELLED
            announce(donation.id)
            return Outcome.APPLIED, "payment cancelled"
        return Outcome.NO_CHANGE, f"donation is {donation.status}"
    return Outcome.IGNORED, "no effect"


def _refund_effect(refund_obj: dict[str, Any]) -> tuple[Outcome, str]:
    refund_id = str(refund_obj.get("id"))
    intent_id = refund_obj.get("payment_intent")
    donation = db.session.scalar(
        select(Donation).where(Donation.payment_intent_id == str(intent_id)).with_for_update()
    )
    if donation is None:
        return Outcome.IGNORED, "not a payment we created"
    if str(refund_obj.get("currency", donation.currency)).lower() != donation.currency:
        return Outcome.MISMATCH, "currency differs"
    key = (refund_obj.get("metadata") or {}).get("refund_key")
    refund = db.session.scalar(select(Refund).where(Refund.provider_refund_id == refund_id))
    if refund is None and key:
        refund = db.session.scalar(select(Refund).where(Refund.idempotency_key == str(key)))
    if refund is None:
        # A refund made at the provider directly: record it all the same.
        refund = Refund(
            donation_id=donation.id,
            amount_fen=int(refund_obj.get("amount", 0)),
            idempotency_key=f"provider:{refund_id}",
            reason="made at the provider",
        )
        db.session.add(refund)
    refund.provider_refund_id = refund_id
    status = str(refund_obj.get("status"))
    if status != RefundStatus.SUCCEEDED:
        # Forward only: a late `pending` must not undo a `succeeded` that arrived first.
        # Stored as the provider says it, which may be a state of its own (requires_action).
        if refund.applied_at is None and refund.status not in FINAL_REFUND_STATUSES:
            refund.status = status
        return Outcome.NO_CHANGE, f"refund is {status}"
    refund.status = RefundStatus.SUCCEEDED
    if donation.status not in PAID_STATUSES:
        # The refund's event overtook its payment's: the ledger takes the refund back
        # when the payment is booked (_book_waiting_refunds), whatever the order.
        return Outcome.APPLIED, "refund recorded; booked when its payment is"
    if apply_refund(donation, refund_id, int(refund_obj.get("amount", 0))):
        refund.applied_at = utcnow()
        return Outcome.APPLIED, "refund recorded"
    return Outcome.NO_CHANGE, "refund already recorded"


def _book_waiting_refunds(donation: Donation) -> None:
    """Book the succeeded refunds whose events arrived before their payment's."""
    waiting = db.session.scalars(
        select(Refund)
        .where(
            Refund.donation_id == donation.id,
            Refund.status == RefundStatus.SUCCEEDED,
            Refund.applied_at.is_(None),
            Refund.provider_refund_id.is_not(None),
        )
        .order_by(Refund.id)
    ).all()
    for refund in waiting:
        if apply_refund(donation, str(refund.provider_refund_id), refund.amount_fen):
            refund.applied_at = utcnow()


def _effect(event: dict[str, Any]) -> tuple[Outcome, str, str | None]:
    event_type = str(event.get("type", ""))
    obj = (event.get("data") or {}).get("object") or {}
    object_id = obj.get("id")
    if event_type.startswith("payment_intent."):
        outcome, detail = _intent_effect(event_type, obj)
    elif event_type in ("refund.created", "refund.updated"):
        outcome, detail = _refund_effect(obj)
    elif event_type == "charge.refunded":
        # Refund objects move the ledger (refund.*); the charge event repeats what they say.
        outcome, detail = Outcome.IGNORED, "refund events carry the ledger change"
    else:
        outcome, detail = Outcome.IGNORED, "event type not used"
    return outcome, detail, None if object_id is None else str(object_id)


def apply_event(event: dict[str, Any], via: str) -> Outcome:
    """Apply one event in its own transaction; safe to call any number of times."""
    event_id = str(event.get("id", ""))
    if not event_id.startswith("evt_"):
        raise ValueError("not an event")
    if str(event.get("type", "")) not in APPLIED_TYPES:
        # Half of what the provider sends (payment_intent.created, charge.refunded):
        # answered without a transaction, so it never queues for a lock.
        return Outcome.IGNORED
    if db.session.get(ProviderEvent, event_id) is not None:
        db.session.rollback()
        return Outcome.DUPLICATE
    try:
        outcome, detail, object_id = _effect(event)
        if outcome == Outcome.IGNORED:
            db.session.rollback()
            return outcome
        db.session.add(
            ProviderEvent(
                id=event_id,
                type=str(event.get("type")),
                object_id=object_id,
                created=int(event.get("created") or 0),
                outcome=outcome,
                via=via,
                detail=detail,
            )
        )
        db.session.commit()
    except IntegrityError:
        # Another delivery of the same event committed first.
        db.session.rollback()
        if db.session.get(ProviderEvent, event_id) is not None:
            db.session.rollback()
            return Outcome.DUPLICATE
        raise
    return outcome
