"""Fundraising projects, pools, need listings, donors and donations."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, utcnow
from core.needs.models import Need

Fen = BigInteger().with_variant(Integer, "sqlite")


def new_uuid() -> str:
    return str(uuid.uuid4())


def new_cert_prefix() -> str:
    return "KP" + uuid.uuid4().hex[:6].upper()


class ProjectStatus(enum.StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    CLOSED = "closed"


class Project(Base):
    """A public fundraising project (募捐项目) of the partner charity."""

    __tablename__ = "project"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(Text, default="")
    charity_name: Mapped[str] = mapped_column(String(120))
    fundraising_reg_no: Mapped[str] = mapped_column(String(64))
    lat: Mapped[float] = mapped_column(Float)
    lng: Mapped[float] = mapped_column(Float)
    goal_fen: Mapped[int] = mapped_column(Fen)
    status: Mapped[str] = mapped_column(String(16), default=ProjectStatus.DRAFT)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    min_fen: Mapped[int] = mapped_column(Fen, default=100)
    max_fen: Mapped[int] = mapped_column(Fen, default=5_000_000)
    daily_max_fen: Mapped[int] = mapped_column(Fen, default=10_000_000)
    daily_max_count: Mapped[int] = mapped_column(Integer, default=50)
    # Unique per project, so "prefix-year-sequence" numbers never collide across projects.
    certificate_prefix: Mapped[str] = mapped_column(String(8), unique=True, default=new_cert_prefix)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    pools: Mapped[list[Pool]] = relationship(back_populates="project")


class Pool(Base):
    """A fund of a project: the default pool, or one restricted to categories / towns."""

    __tablename__ = "pool"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("project.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    categories: Mapped[list[str] | None] = mapped_column(JSON)
    towns: Mapped[list[str] | None] = mapped_column(JSON)

    project: Mapped[Project] = relationship(back_populates="pools")


class ListingStatus(enum.StrEnum):
    PUBLISHED = "published"
    FUNDED = "funded"
    DISBURSED = "disbursed"
    CLOSED = "closed"


class NeedListing(Base):
    """A need published on a project: its card and its funding state (DESIGN.md 8)."""

    __tablename__ = "need_listing"
    __table_args__ = (
        CheckConstraint("raised_fen >= 0", name="raised_non_negative"),
        CheckConstraint("raised_fen <= amount_fen", name="raised_within_amount"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id"), unique=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("project.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(Fen)
    raised_fen: Mapped[int] = mapped_column(Fen, default=0)
    status: Mapped[str] = mapped_column(String(16), default=ListingStatus.PUBLISHED)
    listed_at: Mapped[datetime] = mapped_column(default=utcnow)

    need: Mapped[Need] = relationship()
    project: Mapped[Project] = relationship()


class Donor(Base):
    __tablename__ = "donor"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    openid: Mapped[str | None] = mapped_column(String(128), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(60))
    privacy_version: Mapped[str | None] = mapped_column(String(32))
    privacy_accepted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]
    # Bumped to revoke every token issued before (DELETE /me, forced logout).
    token_generation: Mapped[int] = mapped_column(Integer, default=0)


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


class Donation(Base):
    __tablename__ = "donation"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("refunded_fen >= 0 AND refunded_fen <= amount_fen", name="refund_range"),
        CheckConstraint("to_need_fen + to_pool_fen <= amount_fen", name="split_within_amount"),
        UniqueConstraint("donor_id", "idempotency_key", name="uq_donation_donor_key"),
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
    # pending (not yet screened), visible, review (hidden until staff approve), hidden
    message_status: Mapped[str | None] = mapped_column(String(16))
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
    status: Mapped[str] = mapped_column(String(24), default="pending")
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


class Subscription(Base):
    """One WeChat subscribe-message grant: each opt-in allows exactly one message."""

    __tablename__ = "donor_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    donor_id: Mapped[str] = mapped_column(ForeignKey("donor.id"), index=True)
    template_id: Mapped[str] = mapped_column(String(128))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]


class OutboxMessage(Base):
    """A message to a donor, written in the transaction of the event it reports and sent
    afterwards, so a failed send never blocks or undoes anything."""

    __tablename__ = "donor_outbox"
    __table_args__ = (
        UniqueConstraint("kind", "donation_id", name="uq_donor_outbox_kind_donation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    donor_id: Mapped[str | None] = mapped_column(ForeignKey("donor.id"), index=True)
    donation_id: Mapped[str] = mapped_column(ForeignKey("donation.id"))
    kind: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    donation: Mapped[Donation] = relationship()


class ReceiptRequest(Base):
    """A donor's request for the charity's official donation receipt (公益事业捐赠票据)."""

    __tablename__ = "receipt_request"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    donation_id: Mapped[str] = mapped_column(ForeignKey("donation.id"), unique=True)
    name: Mapped[str | None] = mapped_column(String(120))
    credit_code: Mapped[str | None] = mapped_column(String(18))
    status: Mapped[str] = mapped_column(String(16), default="requested")
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_at: Mapped[datetime | None]
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    receipt_no: Mapped[str | None] = mapped_column(String(64))

    donation: Mapped[Donation] = relationship()


class CertificateCounter(Base):
    """The last certificate number per project and year, locked when a number is taken."""

    __tablename__ = "certificate_counter"

    project_id: Mapped[str] = mapped_column(ForeignKey("project.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class ProposalStatus(enum.StrEnum):
    PROPOSED = "proposed"
    AWAITING_SECOND = "awaiting_second"
    APPROVED = "approved"
    REJECTED = "rejected"


class AllocationProposal(Base):
    """A run of the allocation engine on a snapshot of balances and needs, awaiting approval."""

    __tablename__ = "allocation_proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default=ProposalStatus.PROPOSED, index=True)
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    total_fen: Mapped[int] = mapped_column(Fen, default=0)
    first_approver_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    first_approved_at: Mapped[datetime | None]
    second_approver_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    decided_at: Mapped[datetime | None]
    rejected_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    rejection_reason: Mapped[str] = mapped_column(Text, default="")

    lines: Mapped[list[AllocationLine]] = relationship(
        back_populates="proposal", order_by="AllocationLine.id"
    )


class AllocationLine(Base):
    __tablename__ = "allocation_line"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("allocation_proposal.id"), index=True)
    listing_id: Mapped[str] = mapped_column(ForeignKey("need_listing.id"))
    pool_id: Mapped[int] = mapped_column(ForeignKey("pool.id"))
    amount_fen: Mapped[int] = mapped_column(Fen)

    proposal: Mapped[AllocationProposal] = relationship(back_populates="lines")
    listing: Mapped[NeedListing] = relationship()
    pool: Mapped[Pool] = relationship()


class DisbursementStatus(enum.StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"


class Disbursement(Base):
    """A payout of a funded need to a payee, with its evidence; two people sign it."""

    __tablename__ = "disbursement"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[str] = mapped_column(ForeignKey("need_listing.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(Fen)
    method: Mapped[str] = mapped_column(String(20))
    payee: Mapped[str] = mapped_column(String(160))
    reference: Mapped[str] = mapped_column(String(120))
    paid_on: Mapped[date] = mapped_column(Date)
    evidence_path: Mapped[str] = mapped_column(String(255))
    evidence_mime: Mapped[str] = mapped_column(String(40))
    evidence_sha256: Mapped[str] = mapped_column(String(64))
    evidence_name: Mapped[str] = mapped_column(String(160))
    status: Mapped[str] = mapped_column(String(16), default=DisbursementStatus.PROPOSED, index=True)
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    decided_at: Mapped[datetime | None]
    rejection_reason: Mapped[str] = mapped_column(Text, default="")

    listing: Mapped[NeedListing] = relationship()
