"""Password reset by a link sent to the volunteer's email or mobile.

The link's token is random, single-use and expiring; the database keeps only its
hash. The message waiting in the outbox carries the token sealed with the field
key, and the sender blanks it once delivered (volunteers.accounts.messages).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select, update

from core import audit, outbox
from core.audit import Actor
from core.audit_actions import AuditAction
from core.crypto import keyring
from core.db import db, utcnow
from core.users import hash_password
from volunteers.accounts.errors import ResetLinkInvalid
from volunteers.accounts.identity import LoginKind, login_kind, volunteer_by_login
from volunteers.accounts.models import PasswordReset, Volunteer
from volunteers.accounts.passwords import check_password
from volunteers.accounts.sessions import end_all_sessions, token_hash, volunteer_actor

EMAIL_CHANNEL = "volunteer_email"
SMS_CHANNEL = "volunteer_sms"
RESET_KIND = "password_reset"
SEAL_CONTEXT = "outbox.volunteer_reset"


def _channel(volunteer: Volunteer, typed: LoginKind) -> str | None:
    # The channel of what was typed, else whichever the account has.
    if typed is LoginKind.PHONE and volunteer.phone:
        return SMS_CHANNEL
    if volunteer.email:
        return EMAIL_CHANNEL
    if volunteer.phone:
        return SMS_CHANNEL
    return None


def request_password_reset(login: str, ttl: timedelta, ip: str | None) -> None:
    """Queue a reset link for the account this username, email or mobile names.

    The caller answers the same whether or not an account matched, so the page tells
    nobody who has an account. A new link voids the volunteer's earlier unused ones.
    """
    volunteer = volunteer_by_login(login) if login.strip() else None
    if volunteer is None or not volunteer.active:
        audit.record(
            Actor(None, "volunteer:?", ip), AuditAction.VOLUNTEER_RESET_REQUEST, found=False
        )
        db.session.commit()
        return
    channel = _channel(volunteer, login_kind(login))
    now = utcnow()
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.volunteer_id == volunteer.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    reset = PasswordReset(
        token_hash=token_hash(token),
        volunteer_id=volunteer.id,
        created_at=now,
        expires_at=now + ttl,
    )
    db.session.add(reset)
    db.session.flush()
    if channel is not None:
        outbox.queue_message(
            channel,
            str(volunteer.id),
            RESET_KIND,
            f"volunteer-reset:{reset.id}",
            {"sealed_token": keyring().encrypt(token, SEAL_CONTEXT)},
        )
    audit.record(
        volunteer_actor(volunteer, ip),
        AuditAction.VOLUNTEER_RESET_REQUEST,
        "volunteer",
        volunteer.id,
        found=True,
        channel=channel or "none",
    )
    db.session.commit()


def _live_reset(token: str) -> PasswordReset:
    reset = db.session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == token_hash(token)).with_for_update()
    )
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        raise ResetLinkInvalid("This link is invalid, used or expired. Ask for a new one.")
    return reset


def check_reset_link(token: str) -> None:
    """ResetLinkInvalid unless the link can still be used (a GET: nothing written)."""
    _live_reset(token)
    db.session.rollback()


def reset_password(token: str, new_password: str, ip: str | None) -> Volunteer:
    """Set a new password through a live link; the link is spent and every session of
    the volunteer ends. Audited."""
    reset = _live_reset(token)
    volunteer = db.session.get(Volunteer, reset.volunteer_id)
    if volunteer is None or not volunteer.active:
        raise ResetLinkInvalid("This link is invalid, used or expired. Ask for a new one.")
    check_password(
        new_password,
        personal=(
            volunteer.username,
            (volunteer.email or "").partition("@")[0],
            volunteer.phone or "",
        ),
    )
    now = utcnow()
    reset.used_at = now
    volunteer.password_hash = hash_password(new_password)
    volunteer.password_changed_at = now
    end_all_sessions(volunteer.id)
    audit.record(
        volunteer_actor(volunteer, ip),
        AuditAction.VOLUNTEER_RESET_PASSWORD,
        "volunteer",
        volunteer.id,
    )
    db.session.commit()
    return volunteer
