"""Small helpers shared by the portal's views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, request
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from core.errors import DomainError, ValidationFailed


def show_error(form: FlaskForm | None, error: DomainError) -> None:
    """Put a domain error on its form field when it names one, else flash it."""
    message = _(error.message, **error.params)
    field_name = getattr(error, "field", None) if isinstance(error, ValidationFailed) else None
    if form is not None and field_name and field_name in form._fields:
        form._fields[field_name].errors = [*form._fields[field_name].errors, message]
    else:
        flash(message, "error")


def safe_next(default: str) -> str:
    """Only same-site relative paths, so a crafted link cannot redirect elsewhere."""
    target = request.args.get("next") or request.referrer or ""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        if parts.netloc != request.host:
            return default
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return target if target.startswith("/") and not target.startswith("//") else default


def int_arg(name: str, default: int | None = None) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else default


def split_list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").replace("，", ",").split(",") if part.strip()]
