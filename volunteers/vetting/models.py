"""A volunteer's vetting: what the coordinator checked, and the decisions taken.

One `Vetting` row per volunteer holds the current state and the checks on record;
every decision is also kept as a `VettingDecision`, so the history of approvals,
rejections and suspensions, each with its reason, is never overwritten.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow


class VettingStatus(enum.StrEnum):
    PENDING = "pending"  # registered, not yet decided
    APPROVED = "approved"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


class Vetting(Base):
    __tablename__ = "volunteer_vetting"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'approved', 'rejected', 'suspended')", name="status"
        ),
    )

    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default=VettingStatus.PENDING, index=True)
    # Why the current status was decided (empty while pending).
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    # What was checked, each with when and by whom.
    documents_seen: Mapped[str] = mapped_column(Text, default="")
    documents_seen_at: Mapped[datetime | None]
    interview_note: Mapped[str] = mapped_column(Text, default="")
    interviewed_at: Mapped[datetime | None]
    pledge_signed_at: Mapped[datetime | None]  # the confidentiality pledge
    pledge_version: Mapped[str] = mapped_column(String(16), default="")
    training_done_at: Mapped[datetime | None]
    training_note: Mapped[str] = mapped_column(Text, default="")
    # Granted only after its own check: needed before meeting a minor.
    juvenile_clearance_at: Mapped[datetime | None]
    juvenile_clearance_note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    @property
    def status_enum(self) -> VettingStatus:
        return VettingStatus(self.status)


class VettingDecision(Base):
    """One decision on a volunteer, kept for good."""

    __tablename__ = "volunteer_vetting_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
