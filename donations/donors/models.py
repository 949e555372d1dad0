"""Donors, their message grants, official-receipt requests, certificate counters."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, new_uuid, utcnow
from donations.giving.models import Donation


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


class Subscription(Base):
    """One WeChat subscribe-message grant: each opt-in allows exactly one message."""

    __tablename__ = "donor_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    donor_id: Mapped[str] = mapped_column(ForeignKey("donor.id"), index=True)
    template_id: Mapped[str] = mapped_column(String(128))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]


class ReceiptStatus(enum.StrEnum):
    REQUESTED = "requested"
    ISSUED = "issued"
    # The donor deleted their account before it was issued.
    WITHDRAWN = "withdrawn"


class ReceiptRequest(Base):
    """A donor's request for the charity's official donation receipt (公益事业捐赠票据)."""

    __tablename__ = "receipt_request"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    donation_id: Mapped[str] = mapped_column(ForeignKey("donation.id"), unique=True)
    name: Mapped[str | None] = mapped_column(String(120))
    credit_code: Mapped[str | None] = mapped_column(String(18))
    status: Mapped[str] = mapped_column(String(16), default=ReceiptStatus.REQUESTED)
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
