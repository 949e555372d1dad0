"""Request-side helpers: the acting user, the client address, role guards."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar, cast

from flask import abort, request
from flask_login import current_user, login_required

from core.audit import Actor
from core.db import db
from core.users import Role, User
from portal.extensions import login_manager

P = ParamSpec("P")
R = TypeVar("R")


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    user_id = session_id.partition(":")[0]
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.get_id() != session_id:
        return None
    return user


login_manager.login_view = "auth.login"
login_manager.login_message = None


def staff() -> User:
    return cast(User, current_user._get_current_object())


def client_ip() -> str:
    return request.remote_addr or "unknown"


def actor() -> Actor:
    user = staff()
    return Actor(user.id, user.username, client_ip())


def roles_required(*roles: Role) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Login required, and one of these roles; anyone else gets 404 (no hint it exists)."""

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        @login_required
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            if not staff().has_role(*roles):
                abort(404)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def casework_required(view: Callable[P, R]) -> Callable[P, R]:
    return roles_required(Role.ADMIN, Role.AUDITOR, Role.OFFICER, Role.SOCIAL_WORKER)(view)
