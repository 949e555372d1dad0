"""Request-side helpers every wing's views share: the acting user, the client address,
role guards, and showing a domain error on a form. (Flask-Login's user loader is
registered by the portal.)"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar, cast

from flask import abort, flash, request
from flask_babel import gettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from core.audit import Actor
from core.errors import DomainError, NotFound, ValidationFailed
from core.params import parse_int
from core.users import Role, User

P = ParamSpec("P")
R = TypeVar("R")


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


def show_error(form: FlaskForm | None, error: DomainError) -> None:
    """Put a domain error on its form field when it names one, else flash it.

    NotFound is re-raised: out of scope must answer 404, never a polite flash.
    """
    if isinstance(error, NotFound):
        raise error
    message = gettext(error.message, **error.params)
    field_name = getattr(error, "field", None) if isinstance(error, ValidationFailed) else None
    field_name = field_name or getattr(error, "field", None)
    if form is not None and field_name and field_name in form._fields:
        form._fields[field_name].errors = [*form._fields[field_name].errors, message]
    else:
        flash(message, "error")


def int_arg(name: str, default: int | None = None) -> int | None:
    return parse_int(request.args.get(name, ""), default)
