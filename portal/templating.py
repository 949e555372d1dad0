"""Template globals and filters: navigation by role, labels, money and time formats."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask, current_app, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.listing import pager_numbers
from core.money import format_fen
from core.needs.labels import CATEGORY_LABELS, STATUS_LABELS
from core.timeutil import to_local
from core.users import Role
from core.wings import NavItem, registry

CASEWORK = frozenset({Role.ADMIN, Role.AUDITOR, Role.OFFICER, Role.SOCIAL_WORKER})
# The portal's own pages; each wing adds its items in `init_app` (core.wings).
NAV: list[NavItem] = [
    NavItem("persons.index", _l("People"), CASEWORK, "/persons", order=10),
    NavItem("needs.index", _l("Needs"), CASEWORK, "/needs", order=20),
    NavItem(
        "reports.index",
        _l("Reports"),
        CASEWORK | {Role.FINANCE, Role.COORDINATOR, Role.TRAINING_PARTNER},
        "/reports",
        order=80,
    ),
    NavItem(
        "audit.index", _l("Audit log"), frozenset({Role.ADMIN, Role.AUDITOR}), "/audit", order=90
    ),
    NavItem("admin.users", _l("Staff accounts"), frozenset({Role.ADMIN}), "/admin/users", order=91),
    NavItem("admin.jobs", _l("Background jobs"), frozenset({Role.ADMIN}), "/admin/jobs", order=92),
]


def nav_items() -> list[dict[str, str]]:
    if not current_user.is_authenticated:
        return []
    role = Role(current_user.role)
    items = sorted([*NAV, *registry(current_app).nav], key=lambda item: item.order)
    return [
        {"url": url_for(item.endpoint), "label": str(item.label), "prefix": item.prefix}
        for item in items
        if role in item.roles
    ]


def status_label(status: str) -> str:
    label = STATUS_LABELS.get(status)
    return str(label) if label is not None else status


def localtime(moment: datetime | None) -> str:
    return "" if moment is None else to_local(moment).strftime("%Y-%m-%d %H:%M")


def page_url(page: int | None = None, cursor: str | None = None) -> str:
    """This page's address with its filters kept and only the page (or cursor) changed."""
    args: dict[str, Any] = dict(request.view_args or {})
    args.update((k, v) for k, v in request.args.items() if k not in ("page", "cursor"))
    if cursor is not None:
        args["cursor"] = cursor
    elif page is not None and page > 1:
        args["page"] = str(page)
    return url_for(str(request.endpoint), **args)


def register_templating(app: Flask) -> None:
    app.jinja_env.globals.update(
        nav_items=nav_items,
        status_label=status_label,
        category_labels=CATEGORY_LABELS,
        page_url=page_url,
        pager_numbers=pager_numbers,
    )
    app.jinja_env.filters["yuan"] = format_fen
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.globals["_"] = _
    app.jinja_env.globals["get_locale"] = get_locale
