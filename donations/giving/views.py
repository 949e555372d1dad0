"""Staff pages of donations: the list and its CSV, one donation and its refunds, reconciliation."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core import audit
from core.audit_actions import AuditAction
from core.db import db
from core.errors import DomainError
from core.money import MoneyError, parse_yuan
from core.timeutil import to_local
from core.users import Role
from core.web import actor, client_ip, int_arg, roles_required, show_error, staff
from donations.giving.forms import RefundForm, RunForm
from donations.giving.models import Donation, DonationStatus, Refund
from donations.giving.reconciliation import reconcile
from donations.giving.refunds import request_refund
from donations.giving.reports import DonationFilter, last_runs, list_donations
from donations.ledger.check import check_ledger
from donations.payments.config import current_gateway
from donations.payments.gateway import PaymentError

bp = Blueprint("giving", __name__, template_folder="templates")


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
        "giving/list.html",
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
                return redirect(url_for("giving.detail", donation_id=donation.id))
    refunds = db.session.scalars(
        db.select(Refund).where(Refund.donation_id == donation.id).order_by(Refund.id)
    ).all()
    return render_template(
        "giving/detail.html",
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
                AuditAction.FINANCE_RECONCILE,
                "reconcile_run",
                run.id,
                applied=run.applied,
                ok=run.ok,
            )
            db.session.commit()
            flash(_("Reconciliation finished."), "success")
        return redirect(url_for("giving.reconciliation"))
    runs = last_runs()
    ledger = check_ledger()
    db.session.rollback()
    return render_template(
        "giving/reconciliation.html",
        runs=runs,
        latest=runs[0] if runs else None,
        ledger=ledger,
        form=form,
    )


@bp.route("/donations.csv")
@roles_required(Role.FINANCE, Role.ADMIN, Role.AUDITOR)
def donations_csv() -> ResponseReturnValue:
    filters = DonationFilter(
        status=request.args.get("status") or None,
        q=request.args.get("q", "").strip()[:64],
        per_page=100_000,
    )
    items, total = list_donations(filters)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "donation_id",
            "created_at",
            "paid_at",
            "project",
            "need_alias",
            "amount_fen",
            "to_need_fen",
            "to_pool_fen",
            "refunded_fen",
            "status",
            "anonymous",
            "certificate_no",
        ]
    )
    for d in items:
        writer.writerow(
            [
                d.id,
                to_local(d.created_at).isoformat(),
                to_local(d.paid_at).isoformat() if d.paid_at else "",
                d.project.title,
                d.listing.need.alias if d.listing else "",
                d.amount_fen,
                d.to_need_fen,
                d.to_pool_fen,
                d.refunded_fen,
                d.status,
                d.anonymous,
                d.certificate_no or "",
            ]
        )
    audit.record(
        actor(),
        AuditAction.DONATION_EXPORT,
        "donation",
        None,
        count=total,
        filters={k: v for k, v in request.args.items()},
    )
    db.session.commit()
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=donations.csv"},
    )
