"""Staff pages of the ledger: the trial balance and the journal export (CSV or XLSX)."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core.export import download
from core.timeutil import local_today
from core.users import Role
from core.web import client_ip, export_format, roles_required, staff
from donations.ledger.exports import EXPORTERS, export_journal
from donations.ledger.reports import trial_balance

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
@roles_required(*EXPORTERS)
def journal_export() -> ResponseReturnValue:
    fmt = export_format()
    return download(export_journal(staff(), fmt, ip=client_ip()))
