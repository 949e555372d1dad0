"""Request-side helpers: the acting user, the client address, role guards."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from core.db import db
from core.users import Role, User
from core.web import actor, client_ip, roles_required, staff
from portal.extensions import login_manager

P = ParamSpec("P")
R = TypeVar("R")

__all__ = ["actor", "casework_required", "client_ip", "roles_required", "staff"]


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


def casework_required(view: Callable[P, R]) -> Callable[P, R]:
    return roles_required(Role.ADMIN, Role.AUDITOR, Role.OFFICER, Role.SOCIAL_WORKER)(view)
