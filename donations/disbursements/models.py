"""Payouts of funded needs, with their evidence."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, Fen, utcnow
from donations.disbursements.evidence import name_for
from donations.projects.models import NeedListing


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

    @property
    def evidence_filename(self) -> str:
        """What the evidence is shown and downloaded as, whatever name an older upload
        kept: its extension follows the content that was checked."""
        return name_for(self.evidence_name, self.evidence_mime)
