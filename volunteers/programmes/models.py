"""Programmes, their activities and shifts, volunteers' sign-ups, and hours.

A programme (黄丝带帮教, 法律六进 ...) has coordinators (staff) and partner
organisations; an activity belongs to a programme and says whether it involves the
people helped (then only approved volunteers may sign up); a shift is one time and
place of an activity with a capacity. A sign-up is confirmed or waitlisted; its
check-in and check-out make an hours entry that a coordinator approves or declines.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, new_uuid, utcnow
from volunteers.accounts.models import Organisation, Volunteer


class Programme(Base):
    __tablename__ = "volunteer_programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    partners: Mapped[list[Organisation]] = relationship(
        secondary="volunteer_programme_partner", order_by="Organisation.name"
    )


class ProgrammePartner(Base):
    """An organisation the programme is run with (a civic association, a prison)."""

    __tablename__ = "volunteer_programme_partner"

    programme_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer_programme.id"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer_organisation.id"), primary_key=True
    )


class ProgrammeCoordinator(Base):
    """A staff member who runs the programme: its activities, shifts and hours."""

    __tablename__ = "volunteer_programme_coordinator"

    programme_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer_programme.id"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), primary_key=True, index=True)


class Activity(Base):
    __tablename__ = "volunteer_activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("volunteer_programme.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    # Involves the people helped: only approved volunteers may sign up.
    needs_vetting: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    programme: Mapped[Programme] = relationship()


class ShiftStatus(enum.StrEnum):
    OPEN = "open"
    CANCELLED = "cancelled"


class Shift(Base):
    __tablename__ = "volunteer_shift"
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("status IN ('open', 'cancelled')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What volunteers' pages and links use (ids leaving the staff portal are unguessable).
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    activity_id: Mapped[int] = mapped_column(ForeignKey("volunteer_activity.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(120))
    town: Mapped[str | None] = mapped_column(String(64))
    capacity: Mapped[int] = mapped_column(Integer)
    # Told on the spot by the coordinator; typed by volunteers to check in and out.
    checkin_code: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(16), default=ShiftStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    activity: Mapped[Activity] = relationship()


class SignupStatus(enum.StrEnum):
    CONFIRMED = "confirmed"  # has a place
    WAITLISTED = "waitlisted"  # waits for a place, first come first served
    CANCELLED = "cancelled"


class CancelReason(enum.StrEnum):
    VOLUNTEER = "volunteer"  # the volunteer cancelled
    SUSPENDED = "suspended"  # the volunteer was suspended
    SHIFT_CANCELLED = "shift_cancelled"


class Signup(Base):
    __tablename__ = "volunteer_signup"
    __table_args__ = (
        # One row per volunteer and shift: signing up again after cancelling reuses it.
        UniqueConstraint("shift_id", "volunteer_id", name="uq_volunteer_signup_shift_volunteer"),
        CheckConstraint("status IN ('confirmed', 'waitlisted', 'cancelled')", name="status"),
        Index("ix_volunteer_signup_volunteer_status", "volunteer_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    shift_id: Mapped[int] = mapped_column(ForeignKey("volunteer_shift.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"))
    status: Mapped[str] = mapped_column(String(16))
    # The waitlist's order: when the volunteer (last) asked for a place.
    signed_up_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(String(32))
    checked_in_at: Mapped[datetime | None]
    checked_out_at: Mapped[datetime | None]
    # Wrong check-in codes typed: past a few, the volunteer asks the coordinator.
    code_failures: Mapped[int] = mapped_column(Integer, default=0)

    shift: Mapped[Shift] = relationship()
    volunteer: Mapped[Volunteer] = relationship()


class HoursStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class HoursEntry(Base):
    """The time a volunteer served on one shift, as checked in and out; a coordinator
    approves it or declines it with a reason (a declined entry is kept)."""

    __tablename__ = "volunteer_hours"
    __table_args__ = (
        CheckConstraint("minutes >= 0", name="minutes_not_negative"),
        CheckConstraint("status IN ('pending', 'approved', 'declined')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    signup_id: Mapped[int] = mapped_column(ForeignKey("volunteer_signup.id"), unique=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("volunteer_shift.id"), index=True)
    minutes: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=HoursStatus.PENDING, index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    shift: Mapped[Shift] = relationship()
    volunteer: Mapped[Volunteer] = relationship()
