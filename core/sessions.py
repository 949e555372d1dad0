"""Staff sessions held on the server, so that logging out ends one for good.

A signed cookie alone cannot be taken back: a copy of it would stay valid until it
expires. Each login therefore starts a row here and the cookie carries its token;
a request is logged in only while the row exists and has not expired. Logging out
deletes the row of that browser only; other devices of the same user stay logged in
(changing or resetting the password, or deactivation, ends them all: see
`User.get_id`).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import Base, db, utcnow
from core.users import User


class StaffSession(Base):
    """A logged-in browser. Only the token's hash is stored, so a copy of this table
    (a backup, a read-only leak) logs nobody in."""

    __tablename__ = "staff_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, lifetime: timedelta) -> str:
    """Record a new session of `user` in the caller's transaction; returns its token.

    Expired sessions of everyone are dropped on the way, which keeps the table to the
    sessions alive now without a job of its own.
    """
    now = utcnow()
    db.session.execute(delete(StaffSession).where(StaffSession.expires_at <= now))
    token = secrets.token_urlsafe(32)
    db.session.add(
        StaffSession(
            token_hash=_hash(token), user_id=user.id, started_at=now, expires_at=now + lifetime
        )
    )
    return token


def session_user(user_id: int, token: str) -> User | None:
    """The user of a live session with this token, if it belongs to `user_id`."""
    return db.session.scalar(
        select(User)
        .join(StaffSession, StaffSession.user_id == User.id)
        .where(
            StaffSession.token_hash == _hash(token),
            StaffSession.user_id == user_id,
            StaffSession.expires_at > utcnow(),
        )
    )


def end_ended_access(user: User, ip: str | None) -> None:
    """End this session because the account's access period is over (checked on every
    request, so an account that expires mid-session is logged out at its next click)."""
    db.session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
    audit.record(
        Actor(user.id, user.username, ip),
        AuditAction.SESSION_ACCESS_ENDED,
        "staff_user",
        user.id,
        access_until=str(user.access_until),
    )
    db.session.commit()


def log_out(user: User, token: str, ip: str | None) -> None:
    """End this session (and only this one), audited; a copy of its cookie is dead too."""
    db.session.execute(
        delete(StaffSession).where(
            StaffSession.token_hash == _hash(token), StaffSession.user_id == user.id
        )
    )
    audit.record(Actor(user.id, user.username, ip), AuditAction.LOGOUT)
    db.session.commit()
