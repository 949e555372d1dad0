"""Staff refunds: finance asks the provider; the ledger follows the provider's refund events."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db
from core.errors import PermissionDenied
from core.users import Role, User
from donations.errors import InvalidField, RefundRefused, UpstreamUnavailable
from donations.giving.booking import locate_refund
from donations.giving.models import Donation, DonationStatus, Refund, RefundStatus
from donations.payments.gateway import PaymentError, PaymentGateway, ProviderRejected
from donations.projects.models import ListingStatus

REFUNDABLE = (DonationStatus.SUCCEEDED, DonationStatus.PARTIALLY_REFUNDED)
# Refunds that may still take money out: asked for and not yet confirmed or refused.
UNCONFIRMED = (RefundStatus.PENDING, RefundStatus.REQUESTED)


def _check_refundable(donation: Donation, amount_fen: int) -> None:
    if donation.status not in REFUNDABLE:
        raise RefundRefused("Only a paid donation can be refunded.")
    pending = sum(
        r.amount_fen
        for r in db.session.scalars(
            select(Refund).where(
                Refund.donation_id == donation.id,
                Refund.applied_at.is_(None),
                Refund.status.in_(UNCONFIRMED),
            )
        )
    )
    left = donation.amount_fen - donation.refunded_fen - pending
    if amount_fen > left:
        raise RefundRefused("At most %(left)s fen can still be refunded.", left=left)
    # Money already spent cannot come back to the donor (a refund the provider makes
    # anyway is booked as a shortfall, see booking.apply_refund).
    source = locate_refund(donation, amount_fen, pending_fen=pending)
    split, listing = source.split, source.listing
    wants_need = split.from_need + split.short_of_need
    # Paid out: the need is disbursed or closed, or (paid out in several payouts while it
    # stays funded) no longer holds the gift's part.
    if split.short_of_need or (
        wants_need
        and listing is not None
        and listing.status in (ListingStatus.DISBURSED, ListingStatus.CLOSED)
    ):
        raise RefundRefused("This gift has already been paid out to the person helped.")
    if split.short_of_pool:
        raise RefundRefused("The pool no longer holds this money: it was allocated or paid out.")


def request_refund(
    actor: User,
    gateway: PaymentGateway,
    donation_id: str,
    amount_fen: int,
    reason: str,
    *,
    ip: str | None = None,
) -> Refund:
    """Ask the provider to refund part or all of a donation; audited; reason required."""
    if not actor.has_role(Role.FINANCE):
        raise PermissionDenied("Only finance staff can refund donations.")
    if amount_fen <= 0:
        raise InvalidField("The amount must be greater than zero.", field="amount")
    if not reason.strip():
        raise InvalidField("Say why the donation is refunded.", field="reason")
    donation = db.session.scalar(
        select(Donation).where(Donation.id == donation_id).with_for_update()
    )
    if donation is None or donation.payment_intent_id is None:
        raise RefundRefused("No such paid donation.")
    _check_refundable(donation, amount_fen)
    refund = Refund(
        donation_id=donation.id,
        amount_fen=amount_fen,
        reason=reason.strip(),
        status=RefundStatus.REQUESTED,
        requested_by_id=actor.id,
        idempotency_key=f"refund-{uuid.uuid4()}",
    )
    db.session.add(refund)
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.DONATION_REFUND_REQUEST,
        "donation",
        donation.id,
        amount_fen=amount_fen,
        reason=reason.strip(),
    )
    db.session.commit()
    return send_refund(gateway, refund.id)


def send_refund(gateway: PaymentGateway, refund_id: int) -> Refund:
    """Send (or resend, under the same idempotency key) a requested refund to the provider."""
    refund = db.session.get(Refund, refund_id)
    assert refund is not None
    intent_id = refund.donation.payment_intent_id or ""
    amount_fen, key, donation_id = refund.amount_fen, refund.idempotency_key, refund.donation_id
    # No transaction stays open across the HTTP call: the provider's event about this
    # refund may arrive meanwhile (on SQLite it would wait for our write lock).
    db.session.commit()
    try:
        sent = gateway.create_refund(
            intent_id, amount_fen, {"refund_key": key, "donation_id": donation_id}, key
        )
    except ProviderRejected as error:
        refund = _locked_refund(refund_id)
        refund.status = RefundStatus.REJECTED
        db.session.commit()
        raise RefundRefused(
            "The payment provider refused the refund: %(why)s", why=str(error)
        ) from error
    except PaymentError as error:
        # Left as requested: resending later uses the same key, so it cannot refund twice.
        db.session.rollback()
        raise UpstreamUnavailable("The payment provider is not answering; try again.") from error
    # Read it again, locked: the provider's event may have recorded the refund meanwhile,
    # and a stale copy would put a succeeded refund back to pending.
    refund = _locked_refund(refund_id)
    if refund.provider_refund_id is None:
        refund.provider_refund_id = sent.id
    if refund.applied_at is None and refund.status == RefundStatus.REQUESTED:
        refund.status = RefundStatus.PENDING
    db.session.commit()
    return refund


def _locked_refund(refund_id: int) -> Refund:
    refund = db.session.get(Refund, refund_id, with_for_update=True, populate_existing=True)
    assert refund is not None
    return refund
