"""Consent records: one person, one subject (an enrolment, a placement, a referral), what
may be shared and with whom, given when and by whom, and withdrawn when."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base as Model
from core.db import utcnow


class SubjectKind(enum.StrEnum):
    ENROLMENT = "enrolment"
    PLACEMENT = "placement"
    REFERRAL = "referral"


class Audience(enum.StrEnum):
    PARTNER = "partner"
    BASE = "base"
    EMPLOYER = "employer"


# Who learns what the consent allows, by what it is about.
AUDIENCE_OF = {
    SubjectKind.ENROLMENT: Audience.PARTNER,
    SubjectKind.PLACEMENT: Audience.BASE,
    SubjectKind.REFERRAL: Audience.EMPLOYER,
}


class SharedField(enum.StrEnum):
    NAME = "name"
    PHONE = "phone"
    # That the person is under community corrections or in resettlement.
    STATUS = "status"
    OFFENCE = "offence"


_LIVE = text("withdrawn_at IS NULL")


class Consent(Model):
    __tablename__ = "consent"
    __table_args__ = (
        CheckConstraint(
            "subject_kind IN ('enrolment', 'placement', 'referral')", name="subject_kind"
        ),
        CheckConstraint("audience IN ('partner', 'base', 'employer')", name="audience"),
        # At most one live consent per subject: a new one replaces (withdraws) the old.
        Index(
            "ix_consent_live_subject",
            "subject_kind",
            "subject_id",
            unique=True,
            sqlite_where=_LIVE,
            postgresql_where=_LIVE,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    subject_kind: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[int] = mapped_column(Integer)
    audience: Mapped[str] = mapped_column(String(16))
    share_name: Mapped[bool] = mapped_column(Boolean, default=False)
    share_phone: Mapped[bool] = mapped_column(Boolean, default=False)
    share_status: Mapped[bool] = mapped_column(Boolean, default=False)
    share_offence: Mapped[bool] = mapped_column(Boolean, default=False)
    given_at: Mapped[datetime] = mapped_column(default=utcnow)
    given_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="")

    def shares(self, field: SharedField) -> bool:
        return bool(getattr(self, f"share_{field.value}"))
