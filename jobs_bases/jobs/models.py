"""Employers, their openings, referrals of people to openings, and retention follow-ups."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base as Model
from core.db import Fen, utcnow
from core.people.models import Person
from jobs_bases.bases.models import Base


class Employer(Model):
    __tablename__ = "employer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    town: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    contact_name: Mapped[str] = mapped_column(String(60), default="")
    contact_phone: Mapped[str] = mapped_column(String(32), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OpeningStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Opening(Model):
    """A job an employer offers: how many people it takes, what it asks, what it pays."""

    __tablename__ = "opening"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed')", name="status"),
        CheckConstraint("seats > 0", name="seats_positive"),
        CheckConstraint("wage_min_fen >= 0 AND wage_max_fen >= wage_min_fen", name="wage_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    seats: Mapped[int] = mapped_column(Integer)
    requirements: Mapped[str] = mapped_column(Text, default="")
    # Monthly wage range, integer fen.
    wage_min_fen: Mapped[int] = mapped_column(Fen)
    wage_max_fen: Mapped[int] = mapped_column(Fen)
    town: Mapped[str] = mapped_column(String(64), index=True)
    # The employment base the job is at, if any.
    base_id: Mapped[int | None] = mapped_column(ForeignKey("base.id"))
    status: Mapped[str] = mapped_column(String(8), default=OpeningStatus.OPEN, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    employer: Mapped[Employer] = relationship()
    base: Mapped[Base | None] = relationship()


class ReferralStatus(enum.StrEnum):
    REFERRED = "referred"
    HIRED = "hired"
    NOT_HIRED = "not_hired"
    LEFT = "left"
    WITHDRAWN = "withdrawn"


OPEN_REFERRAL = (ReferralStatus.REFERRED, ReferralStatus.HIRED)


class Referral(Model):
    """A person referred by staff to an opening, and what came of it. `office_id` is the
    office responsible for the person: it moves with them on a transfer."""

    __tablename__ = "referral"
    __table_args__ = (
        CheckConstraint(
            "status IN ('referred', 'hired', 'not_hired', 'left', 'withdrawn')", name="status"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    opening_id: Mapped[int] = mapped_column(ForeignKey("opening.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=ReferralStatus.REFERRED, index=True)
    referred_on: Mapped[date] = mapped_column(Date)
    hired_on: Mapped[date | None] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    # When it closed without a hire: not hired, or withdrawn.
    closed_on: Mapped[date | None] = mapped_column(Date)
    # Free text about the person; removed when they are anonymised.
    note: Mapped[str] = mapped_column(Text, default="")
    referred_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    opening: Mapped[Opening] = relationship()
    person: Mapped[Person] = relationship()


class FollowUp(Model):
    """The answer to a retention follow-up, 3 or 6 months after the hire."""

    __tablename__ = "referral_follow_up"
    __table_args__ = (
        UniqueConstraint("referral_id", "months", name="uq_referral_follow_up_milestone"),
        CheckConstraint("months IN (3, 6)", name="months"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), index=True)
    months: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date)
    checked_on: Mapped[date] = mapped_column(Date)
    still_employed: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
