"""Request-side helpers every wing's views share: the acting user, the client address,
role guards, and the staff pages' one error boundary. (Flask-Login's user loader is
registered by the portal.)

The boundary: a form view runs its use case inside `errors_shown_on(form)`, an action
view (a POST that redirects) carries `@redirects_on_domain_error(endpoint)`. Either
way a DomainError rolls the transaction back and reaches the user as a field error or
a flash, and NotFound still answers 404. No view catches DomainError itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import wraps
from typing import Any, ParamSpec, TypeVar, cast

from flask import abort, current_app, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from core.audit import Actor
from core.bulk import BulkResult
from core.db import db
from core.errors import DomainError, InvalidFields, NotFound, PublicationRefused
from core.export import ExportFormat
from core.list_export import ExportRequest
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

    NotFound is re-raised: out of scope must answer 404, never a polite flash. A
    refused publication flashes each of its reasons, so the writer sees them all.
    """
    if isinstance(error, NotFound):
        raise error
    if isinstance(error, PublicationRefused):
        for reason in error.reasons:
            flash(gettext(reason), "error")
        return
    if isinstance(error, InvalidFields):
        for each in error.errors:
            show_error(form, each)
        return
    message = gettext(error.message, **error.params)
    field_name = getattr(error, "field", None)
    if form is not None and field_name and field_name in form._fields:
        shown = [str(e) for e in form._fields[field_name].errors]
        if message not in shown:  # the form's own check may have said it already
            form._fields[field_name].errors = [*form._fields[field_name].errors, message]
    else:
        flash(message, "error")


@contextmanager
def errors_shown_on(
    form: FlaskForm | None, *, let_through: tuple[type[DomainError], ...] = ()
) -> Iterator[None]:
    """Run a view's use case; a DomainError rolls back and is shown on `form` (or flashed).

    The block is left at the error, so a form view writes its success path inside it
    and falls through to render the form again with the error on it. Errors listed in
    `let_through` propagate (after the rollback), for a view that answers them itself.
    """
    try:
        yield
    except DomainError as error:
        if isinstance(error, let_through):
            db.session.rollback()
            raise
        # Nothing of a refused use case stays in the session, whatever it had flushed.
        db.session.rollback()
        show_error(form, error)


def flash_outcomes(result: BulkResult, done_text: str) -> None:
    """Report a bulk action item by item: what was done, and why anything was refused."""
    if not result.outcomes:
        return
    flash(
        gettext(
            "%(done)d done, %(refused)d refused.",
            done=len(result.done),
            refused=len(result.refused),
        ),
        "success" if not result.refused else "error",
    )
    for outcome in result.outcomes:
        text = done_text if outcome.done else gettext(outcome.message, **outcome.params)
        flash(
            gettext("No. %(id)d: %(outcome)s", id=outcome.item_id, outcome=text),
            "success" if outcome.done else "error",
        )


def redirects_on_domain_error(
    endpoint: str,
) -> Callable[[Callable[P, ResponseReturnValue]], Callable[P, ResponseReturnValue]]:
    """For a POST action: a DomainError rolls back, is flashed, and sends the user to
    `endpoint`, given those of the view's URL arguments that its rule takes."""

    def decorator(view: Callable[P, ResponseReturnValue]) -> Callable[P, ResponseReturnValue]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> ResponseReturnValue:
            with errors_shown_on(None):
                return view(*args, **kwargs)
            return redirect(_url_with_view_args(endpoint, kwargs))

        return wrapped

    return decorator


def _url_with_view_args(endpoint: str, view_args: Mapping[str, object]) -> str:
    taken = {name for rule in current_app.url_map.iter_rules(endpoint) for name in rule.arguments}
    values: dict[str, Any] = {name: view_args[name] for name in taken if name in view_args}
    return url_for(endpoint, **values)


def int_arg(name: str, default: int | None = None) -> int | None:
    return parse_int(request.args.get(name, ""), default)


def export_request(*, filtered: bool = True) -> ExportRequest:
    """The signed-in staff member's request for a list's file: the format, their address
    and (for a list with filters) the filters the link carries, paging left out."""
    asked = {
        key: value
        for key, value in request.args.items()
        if key not in ("format", "cursor", "page", "per_page") and value
    }
    return ExportRequest(staff(), export_format(), asked if filtered else None, client_ip())


def export_format() -> ExportFormat:
    """The `format` argument of an export link: csv (the default) or xlsx; else 400."""
    raw = request.args.get("format") or ExportFormat.CSV
    if raw not in tuple(ExportFormat):
        abort(400)
    return ExportFormat(raw)
