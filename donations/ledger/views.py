"""Staff pages of the ledger: the trial balance and the journal export."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, flash, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core import audit
from core.audit_actions import AuditAction
from core.db import db
from core.timeutil import local_today
from core.users import Role
from core.web import actor, roles_required
from donations.ledger.reports import journal_csv, trial_balance

READERS = (Role.FINANCE, Role.ADMIN, Role.AUDITOR)
bp = Blueprint("ledger", __name__, template_folder="templates")


@bp.route("/finance/trial-balance")
@roles_required(*READERS)
def trial_balance_page() -> ResponseReturnValue:
    raw = request.args.get("date", "")
    try:
        as_of = datetime.strptime(raw, "%Y-%m-%d").date() if raw else local_today()  # noqa: DTZ007
    except ValueError:
        flash(_("Enter a date as YYYY-MM-DD."), "error")
        as_of = local_today()
    rows = trial_balance(as_of)
    return render_template(
        "ledger/trial_balance.html",
        rows=rows,
        as_of=as_of,
        total_debit=sum(r.debit_fen for r in rows),
        total_credit=sum(r.credit_fen for r in rows),
    )


@bp.route("/finance/journal.csv")
@roles_required(Role.AUDITOR, Role.ADMIN, Role.FINANCE)
def journal_export() -> ResponseReturnValue:
    body = journal_csv()
    audit.record(actor(), AuditAction.FINANCE_JOURNAL_EXPORT, "journal", None)
    db.session.commit()
    return Response(
        "\ufeff" + body,
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=journal.csv"},
    )
