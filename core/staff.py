"""Staff account administration: create, deactivate, change role and scope, passwords."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import select

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.auth import LoginBlocked
from core.db import db, utcnow
from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from core.orgs import OrgUnit
from core.throttle import Throttle
from core.users import MIN_PASSWORD_LENGTH, Role, User, hash_password, verify_password

_USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
SCOPED_ROLES = frozenset({Role.OFFICER, Role.SOCIAL_WORKER})


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            "The password must have at least %(n)d characters.",
            field="password",
            n=MIN_PASSWORD_LENGTH,
        )


def _check_role_scope(role: str, scope_unit_id: int | None) -> None:
    if role not in tuple(Role):
        raise ValidationFailed("Choose a role.", field="role")
    if scope_unit_id is not None and db.session.get(OrgUnit, scope_unit_id) is None:
        raise ValidationFailed("Choose an organisation unit.", field="scope_unit_id")
    if Role(role) in SCOPED_ROLES and scope_unit_id is None:
        raise ValidationFailed(
            "Officers and social workers need an office scope.", field="scope_unit_id"
        )


def _require_admin(actor: User | None) -> None:
    if actor is not None and not actor.has_role(Role.ADMIN):
        raise PermissionDenied("Only administrators manage staff accounts.")


def _actor(actor: User | None, ip: str | None) -> Actor:
    return Actor.system("cli") if actor is None else Actor(actor.id, actor.username, ip)


def create_user(
    actor: User | None,
    username: str,
    display_name: str,
    password: str,
    role: str,
    scope_unit_id: int | None = None,
    juvenile_permission: bool = False,
    *,
    ip: str | None = None,
    link: Callable[[User], object] | None = None,
) -> User:
    """Create a staff account. `actor=None` is the command line (the operator).

    `link`, when given, runs on the new account before the commit (a wing ties the
    account to its partner or base there): if it refuses, no account is created."""
    _require_admin(actor)
    username = username.strip().lower()
    if not _USERNAME_RE.match(username):
        raise ValidationFailed(
            "Usernames are 3-64 lowercase letters, digits, dots, dashes or underscores.",
            field="username",
        )
    if not display_name.strip():
        raise ValidationFailed("A display name is required.", field="display_name")
    _check_password(password)
    _check_role_scope(role, scope_unit_id)
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict("This username is taken.")
    user = User(
        username=username,
        display_name=display_name.strip(),
        password_hash=hash_password(password),
        role=role,
        scope_unit_id=scope_unit_id,
        juvenile_permission=juvenile_permission,
        active=True,
    )
    db.session.add(user)
    db.session.flush()
    if link is not None:
        link(user)
    audit.record(
        _actor(actor, ip),
        AuditAction.USER_CREATE,
        "staff_user",
        user.id,
        role=role,
        scope=scope_unit_id,
        juvenile=juvenile_permission,
    )
    db.session.commit()
    return user


def _get(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


def update_user(
    actor: User,
    user_id: int,
    role: str,
    scope_unit_id: int | None,
    juvenile_permission: bool,
    active: bool,
    *,
    ip: str | None = None,
) -> User:
    _require_admin(actor)
    user = _get(user_id)
    _check_role_scope(role, scope_unit_id)
    if user.id == actor.id and (not active or role != Role.ADMIN):
        raise Conflict("You cannot deactivate yourself or drop your own admin role.")
    changes = {
        k: v
        for k, v in {
            "role": role,
            "scope": scope_unit_id,
            "juvenile": juvenile_permission,
            "active": active,
        }.items()
        if {
            "role": user.role,
            "scope": user.scope_unit_id,
            "juvenile": user.juvenile_permission,
            "active": user.active,
        }[k]
        != v
    }
    user.role = role
    user.scope_unit_id = scope_unit_id
    user.juvenile_permission = juvenile_permission
    if user.active and not active:
        # A new session id logs the account out everywhere.
        user.password_changed_at = utcnow()
    user.active = active
    audit.record(
        _actor(actor, ip),
        AuditAction.USER_UPDATE,
        "staff_user",
        user.id,
        changes={k: str(v) for k, v in changes.items()},
    )
    db.session.commit()
    return user


def reset_password(
    actor: User | None, user_id: int, new_password: str, *, ip: str | None = None
) -> User:
    _require_admin(actor)
    user = _get(user_id)
    _check_password(new_password)
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    audit.record(_actor(actor, ip), AuditAction.USER_RESET_PASSWORD, "staff_user", user.id)
    db.session.commit()
    return user


def change_own_password(
    user: User, current: str, new_password: str, throttle: Throttle, *, ip: str | None = None
) -> User:
    """Change one's own password. The current password is checked like a login's: its
    failures count toward the account's throttle (LoginBlocked once locked), and each
    failure is audited, so an open session cannot be used to guess the password."""
    address = ip or "unknown"
    if throttle.blocked(user.username, address):
        raise LoginBlocked("Too many failed attempts. Wait a minute and try again.")
    if not verify_password(user, current):
        throttle.failed(user.username, address)
        audit.record(
            Actor(user.id, user.username, ip),
            AuditAction.USER_CHANGE_PASSWORD_FAILED,
            "staff_user",
            user.id,
        )
        db.session.commit()
        raise ValidationFailed("The current password is wrong.", field="current_password")
    throttle.succeeded(user.username)
    _check_password(new_password)
    if current == new_password:
        raise ValidationFailed(
            "Choose a password different from the current one.", field="new_password"
        )
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    audit.record(
        Actor(user.id, user.username, ip), AuditAction.USER_CHANGE_PASSWORD, "staff_user", user.id
    )
    db.session.commit()
    return user


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.username)))
