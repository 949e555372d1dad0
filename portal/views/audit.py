"""The audit log, for auditors and admins, with filters."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from core.audit import AuditFilter, read_events
from core.audit_actions import AuditAction, action_label
from core.params import parse_date
from core.timeutil import SHANGHAI
from core.users import Role
from portal.security import actor, roles_required
from portal.views.common import int_arg

bp = Blueprint("audit", __name__)


def _day(name: str, shift_days: int = 0) -> datetime | None:
    day = parse_date(request.args.get(name, ""))
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=shift_days), time(), tzinfo=SHANGHAI)


@bp.route("/audit")
@roles_required(Role.ADMIN, Role.AUDITOR)
def index() -> ResponseReturnValue:
    filters = AuditFilter(
        action=request.args.get("action", "")[:64],
        actor=request.args.get("actor", "")[:120],
        object_type=request.args.get("object_type", "")[:64],
        object_id=request.args.get("object_id", "")[:64],
        since=_day("since"),
        until=_day("until", 1),
        page=int_arg("page", 1) or 1,
    )
    items, total = read_events(actor(), filters, request.args)
    pages = max(1, -(-total // filters.per_page))
    return render_template(
        "audit/list.html",
        items=items,
        total=total,
        filters=filters,
        pages=pages,
        actions=list(AuditAction),
        label_of=action_label,
    )
