"""Bases (教育基地, 公益基地, 就业基地), the people placed at them, and their logged sessions."""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base as Model
from core.db import utcnow
from core.people.models import Person
from core.towns import BY_NAME


class BaseKind(enum.StrEnum):
    EDUCATION = "education"
    WELFARE = "welfare"
    EMPLOYMENT = "employment"


class Base(Model):
    """A place where people under care take part in activities and log hours."""

    __tablename__ = "base"
    __table_args__ = (
        CheckConstraint("kind IN ('education', 'welfare', 'employment')", name="kind"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    # One of core.towns: the map position comes from the town, never typed.
    town: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(120), default="")
    contact_name: Mapped[str] = mapped_column(String(60), default="")
    contact_phone: Mapped[str] = mapped_column(String(32), default="")
    # How many people may be placed here at the same time.
    capacity: Mapped[int] = mapped_column(Integer)
    activities: Mapped[list[str]] = mapped_column(JSON, default=list)
    retired_at: Mapped[datetime | None]
    retired_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def retired(self) -> bool:
        return self.retired_at is not None

    @property
    def lat(self) -> float | None:
        town = BY_NAME.get(self.town)
        return None if town is None else town.lat

    @property
    def lng(self) -> float | None:
        town = BY_NAME.get(self.town)
        return None if town is None else town.lng


class PlacementStatus(enum.StrEnum):
    ACTIVE = "active"
    ENDED = "ended"


class Placement(Model):
    """One person placed at one base for a period. `office_id` is the office responsible
    for the person: it moves with them when their case is transferred."""

    __tablename__ = "placement"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'ended')", name="status"),
        CheckConstraint("ends_on >= starts_on", name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8), default=PlacementStatus.ACTIVE, index=True)
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str] = mapped_column(String(32), default="")
    # What the base's contact is called to know (what the person does there); free
    # text, removed when the person is anonymised.
    note: Mapped[str] = mapped_column(Text, default="")
    # What the base contact sees instead of the name when consent does not allow it.
    alias: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    base: Mapped[Base] = relationship()
    person: Mapped[Person] = relationship()

    @property
    def last_day(self) -> date:
        """The last day hours may be logged: the planned end, or the day it ended."""
        return self.ended_on if self.ended_on is not None else self.ends_on


class HoursStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class BaseSession(Model):
    """A session at a base: a date, a start and an end (Shanghai time), an activity.
    Hours count once approved; declined sessions stay, with the reason, never deleted."""

    __tablename__ = "base_session"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'declined')", name="status"),
        CheckConstraint("end_time > start_time", name="order"),
        CheckConstraint("minutes > 0", name="minutes_positive"),
        Index("ix_base_session_person_day", "person_id", "on_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), index=True)
    # Copied from the placement: overlaps are checked per person, across bases.
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    on_date: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    minutes: Mapped[int] = mapped_column(Integer)
    activity: Mapped[str] = mapped_column(String(60))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(8), default=HoursStatus.PENDING, index=True)
    logged_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    logged_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    decided_at: Mapped[datetime | None]
    decline_reason: Mapped[str] = mapped_column(Text, default="")

    placement: Mapped[Placement] = relationship()
