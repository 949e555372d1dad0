"""Allocation proposals: a run of the engine awaiting four-eyes approval, and its lines."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, Fen, utcnow
from donations.projects.models import NeedListing, Pool


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
    # One project's pools and needs (each project is its own registered fundraising).
    project_id: Mapped[str | None] = mapped_column(ForeignKey("project.id"), index=True)
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
