"""Staff pages of donations: the list and its export, one donation and its refunds, reconciliation."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core.export import download
from core.listing import requested_page
from core.users import Role
from core.web import (
    client_ip,
    errors_shown_on,
    export_format,
    redirects_on_domain_error,
    roles_required,
    staff,
)
from donations.giving.discrepancies import (
    open_discrepancies,
    settle_discrepancy,
    settled_discrepancies,
)
from donations.giving.exports import EXPORTERS, export_donations
from donations.giving.forms import RefundForm, RunForm, SettleForm
from donations.giving.models import DonationStatus
from donations.giving.reconciliation import run_reconciliation
from donations.giving.refunds import request_refund
from donations.giving.reports import (
    DonationFilter,
    DonationPage,
    donation_listing,
    donation_page,
    reconciliation_page,
)
from donations.payments.config import current_gateway

bp = Blueprint("giving", __name__, template_folder="templates")


MONEY_READERS = (Role.FINANCE, Role.ADMIN, Role.AUDITOR)


@bp.route("/donations")
@roles_required(*MONEY_READERS)
def index() -> ResponseReturnValue:
    filters = DonationFilter(
        status=request.args.get("status") or None,
        q=request.args.get("q", "").strip()[:64],
        paging=requested_page(request.args, 50, per_page_arg=True),
    )
    listing = donation_listing(filters)
    return render_template(
        "giving/list.html",
        items=listing.items,
        listing=listing,
        filters=filters,
        statuses=list(DonationStatus),
    )


def _render_detail(page: DonationPage, form: RefundForm) -> ResponseReturnValue:
    return render_template(
        "giving/detail.html",
        donation=page.donation,
        refunds=page.refunds,
        form=form,
        can_refund=staff().has_role(Role.FINANCE),
    )


@bp.get("/donations/<donation_id>")
@roles_required(*MONEY_READERS)
def detail(donation_id: str) -> ResponseReturnValue:
    return _render_detail(donation_page(donation_id), RefundForm())


@bp.post("/donations/<donation_id>")
@roles_required(Role.FINANCE)
def refund(donation_id: str) -> ResponseReturnValue:
    page = donation_page(donation_id)
    form = RefundForm()
    if form.validate_on_submit():
        with errors_shown_on(form):
            request_refund(
                staff(),
                current_gateway(),
                donation_id,
                form.amount.data_fen or 0,
                form.reason.data or "",
                ip=client_ip(),
            )
            flash(
                _("Refund sent to the payment provider. The ledger follows its confirmation."),
                "success",
            )
            return redirect(url_for("giving.detail", donation_id=donation_id))
    return _render_detail(page, form)


@bp.get("/finance/reconciliation")
@roles_required(*MONEY_READERS)
def reconciliation() -> ResponseReturnValue:
    page = reconciliation_page()
    return render_template(
        "giving/reconciliation.html",
        runs=page.runs,
        latest=page.runs[0] if page.runs else None,
        ledger=page.ledger,
        form=RunForm(),
        open_discrepancies=open_discrepancies(),
        settled_discrepancies=settled_discrepancies(),
        settle_form=SettleForm(),
        can_settle=staff().has_role(Role.FINANCE),
    )


@bp.post("/finance/reconciliation")
@roles_required(Role.FINANCE, Role.ADMIN)
@redirects_on_domain_error("giving.reconciliation")
def reconcile_now() -> ResponseReturnValue:
    if not RunForm().validate_on_submit():
        abort(404)
    run_reconciliation(staff(), current_gateway(), ip=client_ip())
    flash(_("Reconciliation finished."), "success")
    return redirect(url_for("giving.reconciliation"))


@bp.post("/finance/discrepancies/<int:discrepancy_id>/settle")
@roles_required(Role.FINANCE)
@redirects_on_domain_error("giving.reconciliation")
def settle(discrepancy_id: int) -> ResponseReturnValue:
    form = SettleForm()
    if not form.validate_on_submit():
        flash(_("Say how it was settled."), "error")
        return redirect(url_for("giving.reconciliation"))
    settle_discrepancy(staff(), discrepancy_id, form.note.data or "", ip=client_ip())
    flash(_("Recorded as settled."), "success")
    return redirect(url_for("giving.reconciliation"))


@bp.route("/donations.csv")
@roles_required(*EXPORTERS)
def donations_csv() -> ResponseReturnValue:
    filters = DonationFilter(
        status=request.args.get("status") or None, q=request.args.get("q", "").strip()[:64]
    )
    fmt = export_format()
    return download(export_donations(staff(), filters, fmt, ip=client_ip()))
