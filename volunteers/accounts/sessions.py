"""Volunteer sign-in as a use case, and the server side of a volunteer's session.

A volunteer's session is never a staff session: its token travels in a cookie of its
own (volunteers.accounts.web), only the token's hash is stored here, and nothing of
it reaches Flask-Login, which serves staff alone.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.throttle import Throttle
from core.users import hash_needs_rehash, hash_password, verify_dummy, verify_password_hash
from volunteers.accounts.errors import VolunteerLoginBlocked, VolunteerLoginFailed
from volunteers.accounts.identity import volunteer_by_login
from volunteers.accounts.models import Volunteer, VolunteerSession


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def volunteer_actor(volunteer: Volunteer, ip: str | None) -> Actor:
    """Volunteers are no staff users: the audit names them by their id."""
    return Actor(None, f"volunteer:{volunteer.id}", ip)


def _throttle_key(login: str, volunteer: Volunteer | None) -> str:
    # One counter per account whichever of its names is typed; an unknown name is
    # counted under its hash, so the throttle table never holds an email or a phone.
    if volunteer is not None:
        return f"volunteer:{volunteer.id}"
    return "volunteer?" + hashlib.sha256(login.strip().lower().encode()).hexdigest()[:24]


@dataclass(frozen=True)
class VolunteerLogin:
    volunteer: Volunteer
    session_token: str  # for the browser's cookie; the server keeps only its hash


def start_volunteer_session(volunteer: Volunteer, lifetime: timedelta) -> str:
    """Record a new session in the caller's transaction; returns its token."""
    now = utcnow()
    db.session.execute(delete(VolunteerSession).where(VolunteerSession.expires_at <= now))
    token = secrets.token_urlsafe(32)
    db.session.add(
        VolunteerSession(
            token_hash=token_hash(token),
            volunteer_id=volunteer.id,
            started_at=now,
            expires_at=now + lifetime,
        )
    )
    return token


def log_in_volunteer(
    throttle: Throttle, login: str, password: str, ip: str, lifetime: timedelta
) -> VolunteerLogin:
    """A new session for the volunteer this username, email or mobile and password log
    in, or VolunteerLoginBlocked / VolunteerLoginFailed; audited either way."""
    volunteer = volunteer_by_login(login) if login.strip() else None
    key = _throttle_key(login, volunteer)
    if throttle.blocked(key, ip):
        raise VolunteerLoginBlocked("Too many failed attempts. Wait a minute and try again.")
    # The throttle ends its transaction: load the account again in this one.
    volunteer = volunteer_by_login(login) if login.strip() else None
    if volunteer is None:
        verify_dummy(password)  # the same time whether the account exists or not
    if (
        volunteer is None
        or not volunteer.active
        or not verify_password_hash(volunteer.password_hash, password)
    ):
        label = "volunteer:?" if volunteer is None else f"volunteer:{volunteer.id}"
        throttle.failed(key, ip)
        audit.record(Actor(None, label, ip), AuditAction.VOLUNTEER_LOGIN_FAILED)
        db.session.commit()
        raise VolunteerLoginFailed("Wrong login or password.")
    throttle.succeeded(key)
    volunteer = db.session.get(Volunteer, volunteer.id)
    assert volunteer is not None
    if hash_needs_rehash(volunteer.password_hash):
        volunteer.password_hash = hash_password(password)
    token = start_volunteer_session(volunteer, lifetime)
    audit.record(
        volunteer_actor(volunteer, ip), AuditAction.VOLUNTEER_LOGIN, "volunteer", volunteer.id
    )
    db.session.commit()
    return VolunteerLogin(volunteer, token)


def volunteer_for_token(token: str) -> Volunteer | None:
    """The active volunteer of a live session with this token."""
    return db.session.scalar(
        select(Volunteer)
        .join(VolunteerSession, VolunteerSession.volunteer_id == Volunteer.id)
        .where(
            VolunteerSession.token_hash == token_hash(token),
            VolunteerSession.expires_at > utcnow(),
            Volunteer.active.is_(True),
        )
    )


def log_out_volunteer(volunteer: Volunteer, token: str, ip: str | None) -> None:
    """End this session (only this browser's), audited."""
    db.session.execute(
        delete(VolunteerSession).where(
            VolunteerSession.token_hash == token_hash(token),
            VolunteerSession.volunteer_id == volunteer.id,
        )
    )
    audit.record(
        volunteer_actor(volunteer, ip), AuditAction.VOLUNTEER_LOGOUT, "volunteer", volunteer.id
    )
    db.session.commit()


def end_all_sessions(volunteer_id: int) -> None:
    """Every browser of the volunteer logged out (caller's transaction): after a password
    reset, or when the account is closed."""
    db.session.execute(
        delete(VolunteerSession).where(VolunteerSession.volunteer_id == volunteer_id)
    )
