"""Template globals and filters: navigation by role, labels, money and time formats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Flask, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.money import format_fen
from core.needs.labels import CATEGORY_LABELS
from core.timeutil import to_local
from core.users import Role

STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "approved": _l("Approved"),
    "published": _l("Published"),
    "funded": _l("Funded"),
    "disbursed": _l("Disbursed"),
    "closed": _l("Closed"),
    "cancelled": _l("Cancelled"),
    "expired": _l("Expired"),
}


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    roles: frozenset[Role]
    prefix: str


CASEWORK = frozenset({Role.ADMIN, Role.AUDITOR, Role.OFFICER, Role.SOCIAL_WORKER})
# The composition root lists every wing's pages; wings add theirs as they land.
NAV: list[NavItem] = [
    NavItem("persons.index", _l("People"), CASEWORK, "/persons"),
    NavItem("needs.index", _l("Needs"), CASEWORK, "/needs"),
    NavItem(
        "donor_staff.projects",
        _l("Projects"),
        frozenset({Role.ADMIN, Role.AUDITOR, Role.FINANCE, Role.COORDINATOR}),
        "/projects",
    ),
    NavItem(
        "donor_staff.moderation",
        _l("Messages"),
        frozenset({Role.ADMIN, Role.FINANCE, Role.COORDINATOR}),
        "/moderation",
    ),
    NavItem(
        "donations.index",
        _l("Donations"),
        frozenset({Role.ADMIN, Role.AUDITOR, Role.FINANCE}),
        "/donations",
    ),
    NavItem(
        "donations.reconciliation",
        _l("Reconciliation"),
        frozenset({Role.ADMIN, Role.AUDITOR, Role.FINANCE}),
        "/finance",
    ),
    NavItem(
        "money.allocations",
        _l("Allocations"),
        frozenset({Role.ADMIN, Role.AUDITOR, Role.FINANCE, Role.OFFICER, Role.SOCIAL_WORKER}),
        "/allocations",
    ),
    NavItem(
        "money.disbursements",
        _l("Payouts"),
        frozenset({Role.ADMIN, Role.AUDITOR, Role.FINANCE}),
        "/disbursements",
    ),
    NavItem("audit.index", _l("Audit log"), frozenset({Role.ADMIN, Role.AUDITOR}), "/audit"),
    NavItem("admin.users", _l("Staff accounts"), frozenset({Role.ADMIN}), "/admin"),
]


def nav_items() -> list[dict[str, str]]:
    if not current_user.is_authenticated:
        return []
    role = Role(current_user.role)
    return [
        {"url": url_for(item.endpoint), "label": str(item.label), "prefix": item.prefix}
        for item in NAV
        if role in item.roles
    ]


def status_label(status: str) -> str:
    label = STATUS_LABELS.get(status)
    return str(label) if label is not None else status


def localtime(moment: datetime | None) -> str:
    return "" if moment is None else to_local(moment).strftime("%Y-%m-%d %H:%M")


def register_templating(app: Flask) -> None:
    app.jinja_env.globals.update(
        nav_items=nav_items, status_label=status_label, category_labels=CATEGORY_LABELS
    )
    app.jinja_env.filters["yuan"] = format_fen
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.globals["_"] = _
    app.jinja_env.globals["get_locale"] = get_locale
