"""The task model: one thing to do, for a user or for a role within an org unit."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow


class TaskStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    DISMISSED = "dismissed"  # closed without being done: nothing was left to do


_OPEN = text("status = 'open'")


class Task(Base):
    """A to-do item. Assigned either to one user, or to a role: then every user of the
    role whose scope covers `scope_unit_id` (any scope when it is empty) sees it."""

    __tablename__ = "task"
    __table_args__ = (
        CheckConstraint(
            "(assignee_user_id IS NULL) <> (assignee_role IS NULL)", name="one_assignee"
        ),
        CheckConstraint(
            "scope_unit_id IS NULL OR assignee_role IS NOT NULL", name="scope_for_roles"
        ),
        # One open task per fact; once it is done the same fact may open a new one.
        Index(
            "ix_task_open_dedupe_key",
            "dedupe_key",
            unique=True,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(48))
    dedupe_key: Mapped[str] = mapped_column(String(160))
    # A msgid, translated when shown, with its placeholders' values.
    title: Mapped[str] = mapped_column(String(200))
    title_params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    assignee_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    assignee_role: Mapped[str | None] = mapped_column(String(32))
    scope_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    due_on: Mapped[date | None] = mapped_column(Date)
    link: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(12), default=TaskStatus.OPEN, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
