"""Staff pages of the money side: donations and refunds, reconciliation, trial balance, journal."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core import audit
from core.db import db
from core.errors import DomainError
from core.money import MoneyError, parse_yuan
from core.timeutil import local_today
from core.users import Role
from core.web import actor, client_ip, int_arg, roles_required, show_error, staff
from donations.forms import RefundForm, RunForm
from donations.ledger.check import check_ledger
from donations.models import Donation, DonationStatus, Refund
from donations.payments.config import current_gateway
from donations.payments.gateway import PaymentError
from donations.reconcile import reconcile
from donations.refunds import request_refund
from donations.reports import DonationFilter, journal_csv, last_runs, list_donations, trial_balance

bp = Blueprint("donations", __name__, template_folder="templates")

MONEY_READERS = (Role.FINANCE, Role.ADMIN, Role.AUDITOR)


@bp.route("/donations")
@roles_required(*MONEY_READERS)
def index() -> ResponseReturnValue:
    filters = DonationFilter(
        status=request.args.get("status") or None,
        q=request.args.get("q", "").strip()[:64],
        page=int_arg("page", 1) or 1,
    )
    items, total = list_donations(filters)
    return render_template(
        "donations/list.html",
        items=items,
        total=total,
        filters=filters,
        statuses=list(DonationStatus),
    )


@bp.route("/donations/<donation_id>", methods=["GET", "POST"])
@roles_required(*MONEY_READERS)
def detail(donation_id: str) -> ResponseReturnValue:
    donation = db.session.get(Donation, donation_id)
    if donation is None:
        abort(404)
    form = RefundForm()
    if request.method == "POST":
        if not staff().has_role(Role.FINANCE):
            abort(404)
        if form.validate_on_submit():
            try:
                amount_fen = parse_yuan(form.amount.data or "")
                request_refund(
                    staff(),
                    current_gateway(),
                    donation.id,
                    amount_fen,
                    form.reason.data or "",
                    ip=client_ip(),
                )
            except MoneyError:
                form.amount.errors = [_("Enter an amount in yuan, e.g. 1200 or 1200.50.")]
            except DomainError as error:
                db.session.rollback()
                show_error(form, error)
            else:
                flash(
                    _("Refund sent to the payment provider. The ledger follows its confirmation."),
                    "success",
                )
                return redirect(url_for("donations.detail", donation_id=donation.id))
    refunds = db.session.scalars(
        db.select(Refund).where(Refund.donation_id == donation.id).order_by(Refund.id)
    ).all()
    return render_template(
        "donations/detail.html",
        donation=donation,
        refunds=refunds,
        form=form,
        can_refund=staff().has_role(Role.FINANCE),
    )


@bp.route("/finance/reconciliation", methods=["GET", "POST"])
@roles_required(*MONEY_READERS)
def reconciliation() -> ResponseReturnValue:
    form = RunForm()
    if request.method == "POST":
        if not staff().has_role(Role.FINANCE, Role.ADMIN) or not form.validate_on_submit():
            abort(404)
        try:
            run = reconcile(current_gateway())
        except PaymentError:
            db.session.rollback()
            flash(_("The payment provider is not answering; try again."), "error")
        else:
            audit.record(
                actor(),
                "finance.reconcile",
                "reconcile_run",
                run.id,
                applied=run.applied,
                ok=run.ok,
            )
            db.session.commit()
            flash(_("Reconciliation finished."), "success")
        return redirect(url_for("donations.reconciliation"))
    runs = last_runs()
    ledger = check_ledger()
    db.session.rollback()
    return render_template(
        "donations/reconciliation.html",
        runs=runs,
        latest=runs[0] if runs else None,
        ledger=ledger,
        form=form,
    )


@bp.route("/finance/trial-balance")
@roles_required(*MONEY_READERS)
def trial_balance_page() -> ResponseReturnValue:
    raw = request.args.get("date", "")
    try:
        as_of = datetime.strptime(raw, "%Y-%m-%d").date() if raw else local_today()  # noqa: DTZ007
    except ValueError:
        flash(_("Enter a date as YYYY-MM-DD."), "error")
        as_of = local_today()
    rows = trial_balance(as_of)
    return render_template(
        "donations/trial_balance.html",
        rows=rows,
        as_of=as_of,
        total_debit=sum(r.debit_fen for r in rows),
        total_credit=sum(r.credit_fen for r in rows),
    )


@bp.route("/finance/journal.csv")
@roles_required(Role.AUDITOR, Role.ADMIN, Role.FINANCE)
def journal_export() -> ResponseReturnValue:
    body = journal_csv()
    audit.record(actor(), "finance.journal_export", "journal", None)
    db.session.commit()
    return Response(
        "\ufeff" + body,
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=journal.csv"},
    )
