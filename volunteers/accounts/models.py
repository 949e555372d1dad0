"""Volunteers, the organisations some of them register for, and their sessions.

A volunteer's email and phone are personal data: encrypted at rest (core.crypto),
found for login through keyed blind indexes, never stored or logged in clear.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.crypto import EncryptedText
from core.db import Base, new_uuid, utcnow


class VolunteerKind(enum.StrEnum):
    INDIVIDUAL = "individual"
    ORGANISATION = "organisation"  # an account that speaks for an organisation's team


class OrganisationKind(enum.StrEnum):
    CIVIC_ASSOCIATION = "civic_association"  # e.g. the Yellow Ribbon association
    PRISON = "prison"  # a prison's volunteer team
    SCHOOL = "school"
    ENTERPRISE = "enterprise"
    OTHER = "other"


class Gender(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"
    UNSTATED = "unstated"


class Organisation(Base):
    """A group whose members volunteer together (a civic association, a prison's team)."""

    __tablename__ = "volunteer_organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(32), default=OrganisationKind.OTHER)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Volunteer(Base):
    __tablename__ = "volunteer"
    __table_args__ = (
        CheckConstraint("kind IN ('individual', 'organisation')", name="kind"),
        CheckConstraint(
            "kind = 'individual' OR organisation_id IS NOT NULL", name="organisation_named"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The id shown to the volunteer, on certificates and in hours exports.
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    # The name as registered: the volunteer's own (or their team's), shown to staff.
    display_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(EncryptedText("volunteer.email"))
    phone: Mapped[str | None] = mapped_column(EncryptedText("volunteer.phone"))
    # Blind indexes under the current key: login lookup and the duplicate backstop.
    email_bidx: Mapped[str | None] = mapped_column(String(64), unique=True)
    phone_bidx: Mapped[str | None] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(16), default=VolunteerKind.INDIVIDUAL)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteer_organisation.id"), index=True
    )
    gender: Mapped[str] = mapped_column(String(16), default=Gender.UNSTATED)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    towns: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Weekly slots such as "mon-morning" (volunteers.accounts.profile.SLOTS).
    availability: Mapped[list[str]] = mapped_column(JSON, default=list)
    conduct_version: Mapped[str] = mapped_column(String(16))
    conduct_agreed_at: Mapped[datetime]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation | None] = relationship()

    def __repr__(self) -> str:  # never the email or phone: reprs end up in logs
        return f"<Volunteer {self.id}>"


class VolunteerSession(Base):
    """A logged-in browser of a volunteer; only the token's hash is kept (as for staff)."""

    __tablename__ = "volunteer_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class PasswordReset(Base):
    """A password-reset link: single use, expiring, only its hash at rest."""

    __tablename__ = "volunteer_password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
