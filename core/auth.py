"""Staff login as a use case: throttling, password check, audit, in one place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db
from core.errors import DomainError
from core.sessions import start_session
from core.throttle import Throttle
from core.timeutil import local_today
from core.users import (
    User,
    hash_password,
    needs_rehash,
    user_by_username,
    verify_dummy,
    verify_password,
)


class LoginBlocked(DomainError):
    """Too many failures for this account or from this address (answers 429)."""

    code = "login_blocked"


class LoginFailed(DomainError):
    """Wrong username or password, or a deactivated account: deliberately the same."""

    code = "login_failed"


class AccessEnded(LoginFailed):
    """The right password, but the account's access period is over (a partner's or base
    contact's class or placement ended and nobody renewed it)."""

    code = "access_ended"


@dataclass(frozen=True)
class Login:
    user: User
    session_token: str  # for the browser's cookie; the server keeps only its hash


def authenticate(
    throttle: Throttle, username: str, password: str, address: str, session_lifetime: timedelta
) -> Login:
    """A new session of the user these credentials log in, or LoginBlocked / LoginFailed;
    audited either way."""
    username = username.strip().lower()
    if throttle.blocked(username, address):
        raise LoginBlocked("Too many failed attempts. Wait a minute and try again.")
    user = user_by_username(username)
    if user is None:
        # Cost the same time as a real check, so timing does not tell who has an account.
        verify_dummy(password)
    if user is None or not user.active or not verify_password(user, password):
        throttle.failed(username, address)
        audit.record(Actor(None, username[:120], address), AuditAction.LOGIN_FAILED)
        db.session.commit()
        raise LoginFailed("Wrong username or password.")
    throttle.succeeded(username)
    if user.access_ended(local_today()):
        audit.record(
            Actor(user.id, user.username, address),
            AuditAction.LOGIN_ACCESS_ENDED,
            "staff_user",
            user.id,
            access_until=str(user.access_until),
        )
        db.session.commit()
        raise AccessEnded(
            "Your access ended on %(date)s. Ask the judicial office to renew it if you still"
            " need it.",
            date=str(user.access_until),
        )
    if needs_rehash(user):
        user.password_hash = hash_password(password)
    token = start_session(user, session_lifetime)
    audit.record(Actor(user.id, user.username, address), AuditAction.LOGIN)
    db.session.commit()
    return Login(user, token)
