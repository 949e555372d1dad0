"""Donations, refunds, provider events, reconciliation runs and the discrepancies finance
settles."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, Fen, new_uuid, utcnow
from donations.projects.models import NeedListing, Project

if TYPE_CHECKING:
    from core.users import User
    from donations.donors.models import Donor


class DonationStatus(enum.StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"


FINAL_STATUSES = frozenset(
    {DonationStatus.SUCCEEDED, DonationStatus.REFUNDED, DonationStatus.PARTIALLY_REFUNDED}
)


class MessageStatus(enum.StrEnum):
    """Where a donor's message stands after the content check."""

    PENDING = "pending"  # not screened
    VISIBLE = "visible"
    REVIEW = "review"  # hidden until staff approve it
    HIDDEN = "hidden"


class RefundStatus(enum.StrEnum):
    """Ours (requested, rejected) before the provider has the refund; then the provider's."""

    REQUESTED = "requested"
    PENDING = "pending"
    REJECTED = "rejected"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELED = "canceled"


class Donation(Base):
    __tablename__ = "donation"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("refunded_fen >= 0 AND refunded_fen <= amount_fen", name="refund_range"),
        CheckConstraint("to_need_fen + to_pool_fen <= amount_fen", name="split_within_amount"),
        UniqueConstraint("donor_id", "idempotency_key", name="uq_donation_donor_key"),
        # The staff list pages newest first, by time then id, on its own or within a status.
        Index("ix_donation_created_at_id", "created_at", "id"),
        Index("ix_donation_status_created_at_id", "status", "created_at", "id"),
        # Messages awaiting moderation are counted on the dashboard among a million gifts.
        Index("ix_donation_message_status", "message_status"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    donor_id: Mapped[str | None] = mapped_column(ForeignKey("donor.id"), index=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("project.id"), index=True)
    listing_id: Mapped[str | None] = mapped_column(ForeignKey("need_listing.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(Fen)
    currency: Mapped[str] = mapped_column(String(3), default="cny")
    status: Mapped[str] = mapped_column(String(24), default=DonationStatus.PENDING, index=True)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    message: Mapped[str | None] = mapped_column(String(200))
    message_status: Mapped[str | None] = mapped_column(String(16))  # MessageStatus
    if_need_closes: Mapped[str] = mapped_column(String(16), default="pool")
    redirected_to_pool: Mapped[bool] = mapped_column(Boolean, default=False)
    to_need_fen: Mapped[int] = mapped_column(Fen, default=0)
    to_pool_fen: Mapped[int] = mapped_column(Fen, default=0)
    refunded_fen: Mapped[int] = mapped_column(Fen, default=0)
    idempotency_key: Mapped[str | None] = mapped_column(String(128))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    payment_intent_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    client_secret: Mapped[str | None] = mapped_column(String(128))
    local_day: Mapped[date] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    paid_at: Mapped[datetime | None]
    certificate_no: Mapped[str | None] = mapped_column(String(40), unique=True)

    project: Mapped[Project] = relationship()
    listing: Mapped[NeedListing | None] = relationship()
    donor: Mapped[Donor | None] = relationship()


class Refund(Base):
    """A refund as the provider reports it; the ledger follows its `succeeded` state."""

    __tablename__ = "refund"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_refund_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    donation_id: Mapped[str] = mapped_column(ForeignKey("donation.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(Fen)
    status: Mapped[str] = mapped_column(String(24), default=RefundStatus.PENDING)
    reason: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    applied_at: Mapped[datetime | None]

    donation: Mapped[Donation] = relationship()


class ProviderEvent(Base):
    """A provider event that changed (or was checked against) our records, stored under a
    unique id in the same transaction as its effect: a second delivery finds it here."""

    __tablename__ = "provider_event"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64), index=True)
    created: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    outcome: Mapped[str] = mapped_column(String(32))
    via: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReconcileRun(Base):
    __tablename__ = "reconcile_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    cursor_created: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), default=0
    )
    events_seen: Mapped[int] = mapped_column(Integer, default=0)
    applied: Mapped[int] = mapped_column(Integer, default=0)
    ok: Mapped[bool] = mapped_column(Boolean, default=False)
    report: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


class DiscrepancyKind(enum.StrEnum):
    # Two-sided reconciliation: the ledger booked it, the provider does not confirm it.
    PAYMENT_NOT_AT_PROVIDER = "payment_not_at_provider"
    PAYMENT_DIFFERS = "payment_differs"  # the provider knows it with another amount or status
    REFUND_NOT_AT_PROVIDER = "refund_not_at_provider"
    REFUND_DIFFERS = "refund_differs"
    # The provider refunded money already paid out: no fund could give it back.
    REFUND_SHORTFALL = "refund_shortfall"


class Discrepancy(Base):
    """Something the books cannot settle by themselves, open until finance records how it
    was settled. Found once: a later run that finds it again adds nothing."""

    __tablename__ = "discrepancy"
    __table_args__ = (
        UniqueConstraint("kind", "object_id", name="uq_discrepancy_kind_object"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(64))  # the provider's payment or refund id
    donation_id: Mapped[str | None] = mapped_column(ForeignKey("donation.id"), index=True)
    # What the ledger booked; for a shortfall, what no fund could cover.
    amount_fen: Mapped[int] = mapped_column(Fen)
    provider_fen: Mapped[int | None] = mapped_column(Fen)  # None: the provider has no such object
    provider_status: Mapped[str] = mapped_column(String(32), default="")
    found_at: Mapped[datetime] = mapped_column(default=utcnow)
    settled_at: Mapped[datetime | None] = mapped_column(index=True)
    settled_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    settlement_note: Mapped[str] = mapped_column(Text, default="")
    settlement_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))

    donation: Mapped[Donation | None] = relationship()
    settled_by: Mapped[User | None] = relationship()
