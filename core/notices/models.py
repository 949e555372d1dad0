"""The notice model: one message of the outbox, as one officer reads it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow


class Notice(Base):
    """A notice for one officer. The outbox message it came from and the officer are
    unique together, so a message delivered twice makes one notice each."""

    __tablename__ = "notice"
    __table_args__ = (
        UniqueConstraint("message_id", "user_id", name="uq_notice_message_user"),
        Index("ix_notice_user_read", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_message.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    office_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    kind: Mapped[str] = mapped_column(String(32))
    # A msgid, translated when shown, with its placeholders' values.
    title: Mapped[str] = mapped_column(String(200))
    title_params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    link: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
