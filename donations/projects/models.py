"""Fundraising projects, their pools, and needs listed on them (a need card's funding state)."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, Fen, new_uuid, utcnow
from core.needs.models import Need


def new_cert_prefix() -> str:
    return "KP" + uuid.uuid4().hex[:6].upper()


class ProjectStatus(enum.StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    CLOSED = "closed"


class Project(Base):
    """A public fundraising project (募捐项目) of the partner charity."""

    __tablename__ = "project"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(Text, default="")
    charity_name: Mapped[str] = mapped_column(String(120))
    fundraising_reg_no: Mapped[str] = mapped_column(String(64))
    lat: Mapped[float] = mapped_column(Float)
    lng: Mapped[float] = mapped_column(Float)
    goal_fen: Mapped[int] = mapped_column(Fen)
    status: Mapped[str] = mapped_column(String(16), default=ProjectStatus.DRAFT)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    min_fen: Mapped[int] = mapped_column(Fen, default=100)
    max_fen: Mapped[int] = mapped_column(Fen, default=5_000_000)
    daily_max_fen: Mapped[int] = mapped_column(Fen, default=10_000_000)
    daily_max_count: Mapped[int] = mapped_column(Integer, default=50)
    # Unique per project, so "prefix-year-sequence" numbers never collide across projects.
    certificate_prefix: Mapped[str] = mapped_column(String(8), unique=True, default=new_cert_prefix)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    pools: Mapped[list[Pool]] = relationship(back_populates="project")


class Pool(Base):
    """A fund of a project: the default pool, or one restricted to categories / towns."""

    __tablename__ = "pool"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("project.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    categories: Mapped[list[str] | None] = mapped_column(JSON)
    towns: Mapped[list[str] | None] = mapped_column(JSON)

    project: Mapped[Project] = relationship(back_populates="pools")


class ListingStatus(enum.StrEnum):
    PUBLISHED = "published"
    FUNDED = "funded"
    DISBURSED = "disbursed"
    CLOSED = "closed"


class NeedListing(Base):
    """A need published on a project: its card and its funding state."""

    __tablename__ = "need_listing"
    __table_args__ = (
        CheckConstraint("raised_fen >= 0", name="raised_non_negative"),
        CheckConstraint("raised_fen <= amount_fen", name="raised_within_amount"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id"), unique=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("project.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(Fen)
    raised_fen: Mapped[int] = mapped_column(Fen, default=0)
    status: Mapped[str] = mapped_column(String(16), default=ListingStatus.PUBLISHED)
    listed_at: Mapped[datetime] = mapped_column(default=utcnow)

    need: Mapped[Need] = relationship()
    project: Mapped[Project] = relationship()
