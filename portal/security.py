"""Request-side helpers: the acting user, the client address, role guards."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import flash, session
from flask_babel import gettext as _

from core.params import parse_int
from core.sessions import end_ended_access, session_user
from core.timeutil import local_today
from core.users import Role, User
from core.web import actor, client_ip, roles_required, staff
from portal.extensions import login_manager

P = ParamSpec("P")
R = TypeVar("R")

__all__ = [
    "SESSION_KEY",
    "actor",
    "casework_required",
    "client_ip",
    "roles_required",
    "staff",
]

# Where the cookie keeps the token of the server-side session (core/sessions.py).
SESSION_KEY = "staff_session"


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    user_id = parse_int(session_id.partition(":")[0])
    token = session.get(SESSION_KEY)
    if user_id is None or not isinstance(token, str):
        return None
    # The session must still exist on the server (logout deletes it), and the id must
    # still match (a password change or deactivation changes it).
    user = session_user(user_id, token)
    if user is None or not user.active or user.get_id() != session_id:
        return None
    if user.access_ended(local_today()):
        # Checked on every request: the session ends at the first click after the last day.
        end_ended_access(user, client_ip())
        session.pop(SESSION_KEY, None)
        flash(
            _(
                "Your access ended on %(date)s. Ask the judicial office to renew it if you"
                " still need it.",
                date=str(user.access_until),
            ),
            "error",
        )
        return None
    return user


login_manager.login_view = "auth.login"
login_manager.login_message = None


def casework_required(view: Callable[P, R]) -> Callable[P, R]:
    return roles_required(Role.ADMIN, Role.AUDITOR, Role.OFFICER, Role.SOCIAL_WORKER)(view)
