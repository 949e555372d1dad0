"""Training partners, and which partner or base a partner's staff account speaks for."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base as Model
from core.db import utcnow


class PartnerKind(enum.StrEnum):
    LABOUR_BUREAU = "labour_bureau"
    SCHOOL = "school"
    ENTERPRISE = "enterprise"
    OTHER = "other"


class TrainingPartner(Model):
    """An organisation that runs training with the bureau (人社局, a vocational school)."""

    __tablename__ = "training_partner"
    __table_args__ = (
        CheckConstraint("kind IN ('labour_bureau', 'school', 'enterprise', 'other')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    # The organisation's own contact (not a person under care): shown to staff.
    contact_name: Mapped[str] = mapped_column(String(60), default="")
    contact_phone: Mapped[str] = mapped_column(String(32), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StaffLink(Model):
    """A training-partner account speaks for one partner; a base-contact account for
    one base. What the account sees is narrowed to that partner's or base's things."""

    __tablename__ = "staff_link"
    __table_args__ = (
        CheckConstraint("(partner_id IS NULL) <> (base_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), unique=True)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("training_partner.id"), index=True)
    base_id: Mapped[int | None] = mapped_column(ForeignKey("base.id"), index=True)
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
