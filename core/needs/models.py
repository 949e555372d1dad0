"""The need model and its statuses."""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
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

from core.db import Base, utcnow
from core.people.models import Person


class NeedCategory(enum.StrEnum):
    EDUCATION = "education"
    MEDICAL = "medical"
    LIVING = "living"
    TRAINING = "training"
    TOOLS = "tools"
    HOUSING = "housing"
    LEGAL = "legal"


class NeedStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    PUBLISHED = "published"
    FUNDED = "funded"
    DISBURSED = "disbursed"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


OPEN_STATUSES = frozenset(
    {NeedStatus.DRAFT, NeedStatus.SUBMITTED, NeedStatus.APPROVED, NeedStatus.PUBLISHED}
)

# Aliases read like a name on a card but say nothing: a surname-free Chinese
# nickname pattern would invite guessing, so the alias is a neutral word plus
# a number ("帮扶对象 A37"), unique per card so two cards cannot be linked.
_ALIAS_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_card_alias() -> str:
    return f"{secrets.choice(_ALIAS_LETTERS)}{secrets.randbelow(900) + 100}"


class Need(Base):
    __tablename__ = "need"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("urgency BETWEEN 1 AND 5", name="urgency_range"),
        CheckConstraint("hardship BETWEEN 1 AND 5", name="hardship_range"),
        # The needs list and the review queue page newest first within a status.
        Index("ix_need_status_id", "status", "id"),
        # The dashboard counts needs by status per person's office from the index alone.
        Index("ix_need_person_id_status", "person_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    category: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(120))
    amount_fen: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    deadline: Mapped[date] = mapped_column(Date)
    urgency: Mapped[int] = mapped_column(Integer)
    hardship: Mapped[int] = mapped_column(Integer)
    story: Mapped[str | None] = mapped_column(Text)
    alias: Mapped[str] = mapped_column(String(16), default=new_card_alias)
    status: Mapped[str] = mapped_column(String(16), default=NeedStatus.DRAFT, index=True)
    # The note of the latest review (approval or return). Only a review writes it:
    # funding moves and cancellation keep their reasons in the audit log (the history).
    status_note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    submitted_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    reviewed_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    published_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    person: Mapped[Person] = relationship()
    editors: Mapped[list[NeedEditor]] = relationship(cascade="all, delete-orphan")

    @property
    def editor_ids(self) -> set[int]:
        """Everyone who wrote any of its content: none of them may review it."""
        return {self.created_by_id, *(e.user_id for e in self.editors)}

    def __repr__(self) -> str:
        return f"<Need {self.id} {self.status}>"


class NeedEditor(Base):
    """A staff member who changed a need's content (editors never review it)."""

    __tablename__ = "need_editor"
    __table_args__ = (UniqueConstraint("need_id", "user_id", name="uq_need_editor_need_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    first_edited_at: Mapped[datetime] = mapped_column(default=utcnow)
