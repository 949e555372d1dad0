"""Sessions at a base and their hours: logged, then approved or declined.

A session is logged by staff of the person's office or by the base's contact, for a
day of the placement that has passed. It is refused when it overlaps another session of
the same person (at any base; declined sessions do not count), on a retired base, in
the future, or when it ends before it starts. Approving or declining is for the same
people; a declined session stays, with its reason, and is never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from flask import current_app
from sqlalchemy import select

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from core.people.models import Person
from core.timeutil import SHANGHAI
from core.users import Role, User
from jobs_bases.bases.models import BaseSession, HoursStatus, Placement
from jobs_bases.bases.placements import get_placement


@dataclass
class SessionInput:
    on_date: date
    start_time: time
    end_time: time
    activity: str
    note: str = ""


def _require_hours_writer(actor: User) -> None:
    if not (actor.may_write_casework or actor.has_role(Role.BASE_CONTACT)):
        raise PermissionDenied("Your role cannot log or decide hours.")


def _minutes(start: time, end: time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def _check(placement: Placement, data: SessionInput, now: datetime) -> int:
    if placement.base.retired:
        raise Conflict("This base is retired: no more hours are logged there.")
    if data.end_time <= data.start_time:
        raise ValidationFailed("The session cannot end before it starts.", field="end_time")
    local_now = now.astimezone(SHANGHAI)
    if data.on_date > local_now.date() or (
        data.on_date == local_now.date() and data.end_time > local_now.time()
    ):
        raise ValidationFailed("Sessions cannot be logged before they end.", field="on_date")
    if not placement.starts_on <= data.on_date <= placement.last_day:
        raise ValidationFailed(
            "The day is outside the placement (%(start)s – %(end)s).",
            field="on_date",
            start=str(placement.starts_on),
            end=str(placement.last_day),
        )
    minutes = _minutes(data.start_time, data.end_time)
    longest = int(current_app.config["MAX_SESSION_HOURS"])
    if minutes > longest * 60:
        raise ValidationFailed(
            "A session lasts at most %(hours)d hours.", field="end_time", hours=longest
        )
    if data.activity not in placement.base.activities:
        raise ValidationFailed("Choose one of the base's activities.", field="activity")
    return minutes


def overlapping_session(person_id: int, data: SessionInput) -> BaseSession | None:
    """A session of the person that day whose time overlaps (declined ones do not count)."""
    return db.session.scalar(
        select(BaseSession).where(
            BaseSession.person_id == person_id,
            BaseSession.on_date == data.on_date,
            BaseSession.status != HoursStatus.DECLINED,
            BaseSession.start_time < data.end_time,
            BaseSession.end_time > data.start_time,
        )
    )


def log_session(
    actor: User, placement_id: int, data: SessionInput, *, ip: str | None = None
) -> BaseSession:
    """Log a session (pending approval); one transaction. The person's row is locked, so
    two overlapping sessions logged at the same moment cannot both be accepted."""
    _require_hours_writer(actor)
    placement = get_placement(actor, placement_id)
    minutes = _check(placement, data, utcnow())
    db.session.get(Person, placement.person_id, with_for_update=True)
    clash = overlapping_session(placement.person_id, data)
    if clash is not None:
        raise Conflict(
            "This person already has a session from %(start)s to %(end)s that day; "
            "sessions of one person cannot overlap.",
            start=clash.start_time.strftime("%H:%M"),
            end=clash.end_time.strftime("%H:%M"),
        )
    session = BaseSession(
        placement_id=placement.id,
        person_id=placement.person_id,
        on_date=data.on_date,
        start_time=data.start_time,
        end_time=data.end_time,
        minutes=minutes,
        activity=data.activity,
        note=data.note.strip()[:1000],
        status=HoursStatus.PENDING,
        logged_by_id=actor.id,
        logged_at=utcnow(),
    )
    db.session.add(session)
    db.session.flush()
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.BASE_HOURS_LOG,
        "base_session",
        session.id,
        office_id=placement.office_id,
        placement=placement.id,
        minutes=minutes,
    )
    db.session.commit()
    return session


def _pending_session(actor: User, session_id: int) -> BaseSession:
    _require_hours_writer(actor)
    session = db.session.get(BaseSession, session_id, with_for_update=True)
    if session is None:
        raise NotFound("No such session.")
    get_placement(actor, session.placement_id)  # NotFound outside the actor's scope
    if session.status != HoursStatus.PENDING:
        raise Conflict("This session has already been decided.")
    return session


def approve_session(actor: User, session_id: int, *, ip: str | None = None) -> BaseSession:
    """Approve a pending session's hours; one transaction."""
    session = _pending_session(actor, session_id)
    session.status = HoursStatus.APPROVED
    session.decided_by_id = actor.id
    session.decided_at = utcnow()
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.BASE_HOURS_APPROVE,
        "base_session",
        session.id,
        office_id=session.placement.office_id,
        minutes=session.minutes,
    )
    db.session.commit()
    return session


def decline_session(
    actor: User, session_id: int, reason: str, *, ip: str | None = None
) -> BaseSession:
    """Decline a pending session, saying why; it stays on the record."""
    if not reason.strip():
        raise ValidationFailed("Say why the hours are declined.", field="reason")
    session = _pending_session(actor, session_id)
    session.status = HoursStatus.DECLINED
    session.decided_by_id = actor.id
    session.decided_at = utcnow()
    session.decline_reason = reason.strip()[:500]
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.BASE_HOURS_DECLINE,
        "base_session",
        session.id,
        office_id=session.placement.office_id,
    )
    db.session.commit()
    return session
