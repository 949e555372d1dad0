"""Mentoring (黄丝带帮教): the mentee's profile and consent, conflicts of interest, mentors'
capacities, pairing runs, mentoring pairs and their meeting log.

What is about the person (profile, consent, conflicts) is keyed by the person and
kept by casework staff; what the volunteer sees is only what the pair's consent
lets through, under the profile's alias. No identity field of the person is copied
here: name, ID number, phone and address stay encrypted in `person`.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, new_uuid, utcnow


class ConsentStatus(enum.StrEnum):
    GIVEN = "given"  # current: the person may be paired, or is, under this consent
    WITHDRAWN = "withdrawn"  # the person took it back; their pairing ended with it
    SPENT = "spent"  # the pairing it was given for has ended


class PairStatus(enum.StrEnum):
    PROPOSED = "proposed"  # a run proposed it; the coordinator has not decided
    AWAITING_OFFICER = "awaiting_officer"  # approved; a minor's officer has not confirmed
    ACTIVE = "active"  # the volunteer sees the mentee and logs meetings
    DECLINED = "declined"  # the coordinator did not approve it
    ENDED = "ended"


# Pairs that hold a place: a person is in at most one of them, a volunteer in at most
# their capacity.
OPEN_STATUSES = (PairStatus.PROPOSED, PairStatus.AWAITING_OFFICER, PairStatus.ACTIVE)


class EndReason(enum.StrEnum):
    CONSENT_WITHDRAWN = "consent_withdrawn"
    CASE_ENDED = "case_ended"
    VOLUNTEER_SUSPENDED = "volunteer_suspended"
    OFFICER_DECLINED = "officer_declined"  # the officer refused to confirm a minor's pair
    BY_STAFF = "by_staff"  # ended by an officer or a coordinator, with a note


class ConflictReason(enum.StrEnum):
    SAME_VILLAGE = "same_village"
    RELATIVE = "relative"
    ACQUAINTANCE = "acquaintance"
    OTHER = "other"


_OPEN_PAIR = text("status IN ('proposed', 'awaiting_officer', 'active')")
_GIVEN = text("status = 'given'")


class MentoringProfile(Base):
    """What casework staff record for pairing one person: needs, languages, free time.

    The alias is the person's name for volunteers: stable for the person, random,
    and unrelated to any need card's alias.
    """

    __tablename__ = "mentoring_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), unique=True)
    alias: Mapped[str] = mapped_column(String(16), unique=True)
    # The officer puts the person forward for the next pairing run.
    seeking: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # Needs in plain words (e.g. 就业指导), matched against volunteers' skills.
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    # A sentence in plain words for the mentor (checked for identifying content).
    needs_note: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Weekly slots such as "sat-morning" (the volunteers' own vocabulary).
    availability: Mapped[list[str]] = mapped_column(JSON, default=list)
    wants_same_gender: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))


class MenteeConflict(Base):
    """A conflict of interest declared between a person and a volunteer: never paired."""

    __tablename__ = "mentoring_conflict"
    __table_args__ = (
        UniqueConstraint("person_id", "volunteer_id"),
        CheckConstraint(
            "reason IN ('same_village', 'relative', 'acquaintance', 'other')", name="reason"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    reason: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    declared_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    declared_at: Mapped[datetime] = mapped_column(default=utcnow)


class MentoringConsent(Base):
    """The person's consent to be mentored, for one pairing: what may be shared with the
    mentor, and when it was given. The pair it enabled names it (`MentorPair.consent_id`);
    when that pair ends the consent is spent, and a new pairing needs a new consent."""

    __tablename__ = "mentoring_consent"
    __table_args__ = (
        CheckConstraint("status IN ('given', 'withdrawn', 'spent')", name="status"),
        # One current consent per person.
        Index(
            "ix_mentoring_consent_given_person",
            "person_id",
            unique=True,
            sqlite_where=_GIVEN,
            postgresql_where=_GIVEN,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    share_town: Mapped[bool] = mapped_column(Boolean, default=False)
    share_languages: Mapped[bool] = mapped_column(Boolean, default=False)
    share_needs: Mapped[bool] = mapped_column(Boolean, default=False)
    given_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=ConsentStatus.GIVEN)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    closed_at: Mapped[datetime | None]  # withdrawn or spent


class MentorCapacity(Base):
    """How many mentees a volunteer takes at once, as the coordinator set it (a volunteer
    without a row takes the default, MENTORING_DEFAULT_CAPACITY)."""

    __tablename__ = "mentoring_capacity"
    __table_args__ = (CheckConstraint("capacity BETWEEN 0 AND 10", name="capacity"),)

    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), primary_key=True)
    capacity: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))


class PairingRun(Base):
    """One run of the pairing step: its input as it was (profiles, scores and the pairs
    each hard rule excluded) and the engine's answer, kept for review and audit."""

    __tablename__ = "mentoring_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Whether minors were in it: only when the coordinator holds the juvenile permission.
    with_minors: Mapped[bool] = mapped_column(Boolean, default=False)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    total: Mapped[int] = mapped_column(Integer, default=0)
    proposed: Mapped[int] = mapped_column(Integer, default=0)


class MentorPair(Base):
    """A volunteer mentoring a person (结对), from proposal to its end.

    `public_id` is the only id the volunteer's pages use. `is_minor` is copied from
    the person when proposed: who may see the pair, and whether the officer must
    confirm it before it starts.
    """

    __tablename__ = "mentor_pair"
    __table_args__ = (
        CheckConstraint(
            "status IN ('proposed', 'awaiting_officer', 'active', 'declined', 'ended')",
            name="status",
        ),
        # A person is in one open pair at most (two runs at once cannot both pair them).
        Index(
            "ix_mentor_pair_open_person",
            "person_id",
            unique=True,
            sqlite_where=_OPEN_PAIR,
            postgresql_where=_OPEN_PAIR,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("mentoring_run.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("mentoring_consent.id"))
    status: Mapped[str] = mapped_column(String(20), default=PairStatus.PROPOSED, index=True)
    is_minor: Mapped[bool] = mapped_column(Boolean, default=False)
    score: Mapped[int] = mapped_column(Integer, default=0)
    # The scoring step's terms: [{"code", "points", "max_points", "detail", "detail_en"}].
    breakdown: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # The engine's reason for the pair (Chinese, English).
    reason: Mapped[str] = mapped_column(Text, default="")
    reason_en: Mapped[str] = mapped_column(Text, default="")
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    confirmed_at: Mapped[datetime | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    started_at: Mapped[datetime | None]
    # The officer the volunteer contacts; empty after a transfer until the new office
    # takes the pair over (the volunteer then sees the office).
    contact_officer_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    ended_at: Mapped[datetime | None]
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    end_reason: Mapped[str] = mapped_column(String(24), default="")
    end_note: Mapped[str] = mapped_column(Text, default="")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Meeting(Base):
    """One meeting of a pair, as the volunteer logged it (会面记录). A concern flag
    (异常关注) opens a task for the person's officers until one of them resolves it."""

    __tablename__ = "mentoring_meeting"
    __table_args__ = (CheckConstraint("duration_min BETWEEN 1 AND 720", name="duration"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("mentor_pair.id"), index=True)
    met_on: Mapped[date] = mapped_column(Date)
    duration_min: Mapped[int] = mapped_column(Integer)
    topic: Mapped[str] = mapped_column(Text, default="")
    concern: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    concern_note: Mapped[str] = mapped_column(Text, default="")
    concern_resolved_at: Mapped[datetime | None]
    concern_resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    concern_resolution: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
