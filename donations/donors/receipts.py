"""Requests for the charity's official donation receipt (公益事业捐赠票据)."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.errors import Conflict, NotFound, PermissionDenied
from core.users import Role, User
from donations.donors.models import ReceiptRequest, ReceiptStatus
from donations.errors import InvalidField, NotYours
from donations.giving.models import Donation, DonationStatus

_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def is_valid_credit_code(code: str) -> bool:
    """The unified social credit code (GB 32100-2015): 18 characters, MOD 31 check."""
    if not re.fullmatch(rf"[{_CREDIT_CHARS}]{{18}}", code):
        return False
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(code[:17], _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_CHARS[(31 - total % 31) % 31] == code[17]


def request_receipt(
    donation: Donation, name: str, credit_code: str | None
) -> tuple[ReceiptRequest, bool]:
    """Ask for the official receipt of a paid donation; asking again answers the same request."""
    if donation.status not in (DonationStatus.SUCCEEDED, DonationStatus.PARTIALLY_REFUNDED):
        raise NotYours("A receipt can be requested once the donation has succeeded.")
    if not name:
        raise InvalidField("The name on the receipt is required.", field="name")
    if credit_code is not None and not is_valid_credit_code(credit_code):
        raise InvalidField("This is not a valid unified social credit code.", field="credit_code")
    existing = db.session.scalar(
        select(ReceiptRequest).where(ReceiptRequest.donation_id == donation.id)
    )
    if existing is not None:
        return existing, False
    receipt = ReceiptRequest(donation_id=donation.id, name=name, credit_code=credit_code)
    db.session.add(receipt)
    db.session.commit()
    return receipt, True


def pending_receipts() -> list[ReceiptRequest]:
    return list(
        db.session.scalars(
            select(ReceiptRequest)
            .where(ReceiptRequest.status == ReceiptStatus.REQUESTED)
            .order_by(ReceiptRequest.requested_at)
        )
    )


def mark_issued(actor: User, receipt_id: str, receipt_no: str) -> ReceiptRequest:
    if not actor.has_role(Role.FINANCE):
        raise PermissionDenied("Only finance staff issue receipts.")
    receipt = db.session.get(ReceiptRequest, receipt_id)
    if receipt is None:
        raise NotFound("No such receipt request.")
    if receipt.status == ReceiptStatus.ISSUED:
        raise Conflict("This receipt was already issued.")
    if not receipt_no.strip():
        raise InvalidField("The receipt number is required.", field="receipt_no")
    receipt.status = ReceiptStatus.ISSUED
    receipt.receipt_no = receipt_no.strip()
    receipt.issued_at = utcnow()
    receipt.issued_by_id = actor.id
    audit.record(
        Actor(actor.id, actor.username),
        AuditAction.RECEIPT_ISSUE,
        "donation",
        receipt.donation_id,
        receipt_no=receipt.receipt_no,
    )
    db.session.commit()
    return receipt


def pending_count(_viewer: User) -> int:
    """Official receipts asked for and not yet issued, for the dashboard."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(ReceiptRequest)
            .where(ReceiptRequest.status == ReceiptStatus.REQUESTED)
        )
        or 0
    )
