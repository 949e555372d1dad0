"""Person and transfer models. Identity fields are encrypted; blind indexes find them."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.crypto import EncryptedText
from core.db import Base, utcnow
from core.orgs import OrgUnit


class PersonKind(enum.StrEnum):
    CORRECTION = "correction"
    RESETTLEMENT = "resettlement"


class CorrectionType(enum.StrEnum):
    SURVEILLANCE = "surveillance"
    PROBATION = "probation"
    PAROLE = "parole"
    OUTSIDE_PRISON = "outside_prison"


class PersonStatus(enum.StrEnum):
    ACTIVE = "active"
    ENDED = "ended"
    TRANSFERRED = "transferred"


class Sex(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"


EDUCATION_LEVELS = ("none", "primary", "junior", "senior", "vocational", "college", "university")
EMPLOYMENT_STATUSES = ("unemployed", "employed", "self_employed", "student", "retired", "unable")


def _mentee_alias() -> str:
    return "M-" + uuid.uuid4().hex[:6].upper()


class Person(Base):
    __tablename__ = "person"
    __table_args__ = (
        CheckConstraint("kind IN ('correction', 'resettlement')", name="kind"),
        CheckConstraint("status IN ('active', 'ended', 'transferred')", name="status"),
        # The people list pages newest first within an office or a status (core/listing.py).
        Index("ix_person_office_id_id", "office_id", "id"),
        Index("ix_person_status_id", "status", "id"),
        # The dashboard counts active people by office and kind from the index alone.
        Index("ix_person_status_office_id_kind", "status", "office_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    town: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    correction_type: Mapped[str | None] = mapped_column(String(32))
    term_start: Mapped[date | None] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)
    release_date: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(8))
    birth_date: Mapped[date] = mapped_column(Date)
    education: Mapped[str | None] = mapped_column(String(32))
    employment_status: Mapped[str | None] = mapped_column(String(32))
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    consent_publication: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_mentoring: Mapped[bool] = mapped_column(Boolean, default=False)
    # Sharing with a training partner, a base or an employer is consented per enrolment,
    # placement or referral (jobs_bases/consent), not once for the person.
    consent_recorded_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default=PersonStatus.ACTIVE, index=True)
    ended_on: Mapped[date | None] = mapped_column(Date)
    is_minor: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    mentee_alias: Mapped[str] = mapped_column(String(16), default=_mentee_alias)

    name: Mapped[str | None] = mapped_column(EncryptedText("person.name"))
    id_number: Mapped[str | None] = mapped_column(EncryptedText("person.id_number"))
    phone: Mapped[str | None] = mapped_column(EncryptedText("person.phone"))
    address: Mapped[str | None] = mapped_column(EncryptedText("person.address"))
    name_bidx: Mapped[str | None] = mapped_column(String(64), index=True)
    id_number_bidx: Mapped[str | None] = mapped_column(String(64), unique=True)
    phone_bidx: Mapped[str | None] = mapped_column(String(64), index=True)
    anonymised_at: Mapped[datetime | None]

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    office: Mapped[OrgUnit] = relationship()

    @property
    def case_start(self) -> date | None:
        return self.term_start if self.kind == PersonKind.CORRECTION else self.release_date

    def __repr__(self) -> str:  # never the name: reprs end up in logs
        return f"<Person {self.id}>"


class TransferStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class PersonTransfer(Base):
    """A move between offices: requested by the sender, accepted by the receiver."""

    __tablename__ = "person_transfer"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    from_office_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    to_office_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=TransferStatus.PENDING)
    reason: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(Text, default="")

    person: Mapped[Person] = relationship()
    from_office: Mapped[OrgUnit] = relationship(foreign_keys=[from_office_id])
    to_office: Mapped[OrgUnit] = relationship(foreign_keys=[to_office_id])
