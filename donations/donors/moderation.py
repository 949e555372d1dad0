"""Donor messages held for review: staff show or hide them (the content check said 'review')."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db
from core.errors import Conflict, NotFound, PermissionDenied
from core.users import Role, User
from donations.giving.models import Donation, MessageStatus

MODERATORS = (Role.ADMIN, Role.COORDINATOR, Role.FINANCE)


def review_queue() -> list[Donation]:
    return list(
        db.session.scalars(
            select(Donation)
            .options(joinedload(Donation.project))
            .where(Donation.message_status == MessageStatus.REVIEW, Donation.message.is_not(None))
            .order_by(Donation.created_at)
        )
    )


def moderate_message(actor: User, donation_id: str, approve: bool) -> Donation:
    if not actor.has_role(*MODERATORS):
        raise PermissionDenied("Your role cannot moderate messages.")
    donation = db.session.get(Donation, donation_id, with_for_update=True)
    if donation is None or donation.message is None:
        raise NotFound("No such message.")
    if donation.message_status != MessageStatus.REVIEW:
        raise Conflict("This message has already been moderated.")
    donation.message_status = MessageStatus.VISIBLE if approve else MessageStatus.HIDDEN
    audit.record(
        Actor(actor.id, actor.username),
        AuditAction.DONATION_MESSAGE_SHOW if approve else AuditAction.DONATION_MESSAGE_HIDE,
        "donation",
        donation.id,
    )
    db.session.commit()
    return donation


def pending_count(_viewer: User) -> int:
    """Messages held for review, for the dashboard."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Donation)
            .where(Donation.message_status == MessageStatus.REVIEW, Donation.message.is_not(None))
        )
        or 0
    )
