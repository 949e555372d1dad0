"""The audit log, for auditors and admins: readable entries, filters chosen from lists,
when the chain was last verified (and a button to verify it now), and an export."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core.audit import AuditFilter
from core.audit_actions import AuditAction
from core.audit_reading import READERS, audit_page, export_audit, verify_now
from core.export import download
from core.forms import ActionForm
from core.listing import requested_page
from core.params import parse_date
from core.timeutil import SHANGHAI
from core.web import export_format
from portal.security import client_ip, roles_required, staff

bp = Blueprint("audit", __name__)

# The filters an export repeats, as they were asked.
FILTER_ARGS = ("action", "actor", "object_type", "object_id", "since", "until")


def _day(name: str, shift_days: int = 0) -> datetime | None:
    day = parse_date(request.args.get(name, ""))
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=shift_days), time(), tzinfo=SHANGHAI)


def _filters() -> AuditFilter:
    return AuditFilter(
        action=request.args.get("action", "")[:64],
        actor=request.args.get("actor", "")[:120],
        object_type=request.args.get("object_type", "")[:64],
        object_id=request.args.get("object_id", "")[:64],
        since=_day("since"),
        until=_day("until", 1),
        paging=requested_page(request.args, 50, per_page_arg=True),
    )


def _asked() -> dict[str, str]:
    return {key: request.args[key][:120] for key in FILTER_ARGS if request.args.get(key)}


@bp.route("/audit")
@roles_required(*READERS)
def index() -> ResponseReturnValue:
    filters = _filters()
    page = audit_page(staff(), filters, request.args, ip=client_ip())
    return render_template(
        "audit/list.html",
        page=page,
        filters=filters,
        actions=list(AuditAction),
        asked=_asked(),
        form=ActionForm(),
    )


@bp.route("/audit/export")
@roles_required(*READERS)
def export() -> ResponseReturnValue:
    return download(export_audit(staff(), _filters(), export_format(), _asked(), ip=client_ip()))


@bp.post("/audit/verify")
@roles_required(*READERS)
def verify() -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    report = verify_now(staff(), str(current_app.config["AUDIT_KEY"]).encode(), ip=client_ip())
    if report.ok:
        flash(_("The audit chain is intact: %(n)d entries verified.", n=report.checked), "success")
    else:
        flash(
            _("The audit chain is BROKEN: %(n)d problems found.", n=len(report.problems)), "error"
        )
    return redirect(url_for("audit.index"))
