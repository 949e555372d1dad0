"""Staff pages of payouts: propose with evidence, approve or reject, read the evidence."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from wtforms import SelectChoice

from core.export import download
from core.forms import ConfirmedActionForm, RejectForm, first_error
from core.listing import requested_page
from core.money import format_fen
from core.needs.labels import CATEGORY_LABELS
from core.users import Role
from core.web import (
    client_ip,
    errors_shown_on,
    export_request,
    redirects_on_domain_error,
    roles_required,
    staff,
)
from donations.disbursements.exports import export_payouts
from donations.disbursements.forms import METHOD_LABELS, PayoutForm
from donations.disbursements.queries import PayoutPage, payout_page
from donations.disbursements.services import (
    EVIDENCE_READERS,
    PayoutInput,
    approve_disbursement,
    open_evidence,
    propose_disbursement,
    reject_disbursement,
)

bp = Blueprint("disbursements", __name__, template_folder="templates")


def _evidence_dir() -> Path:
    return Path(current_app.config["EVIDENCE_DIR"])


def _payout_form(page: PayoutPage) -> PayoutForm:
    form = PayoutForm()
    form.listing_id.choices = [
        SelectChoice(
            item.listing.id,
            f"{item.listing.need.alias}"
            f" · {CATEGORY_LABELS.get(item.listing.need.category, item.listing.need.category)}"
            f" · {format_fen(item.balance_fen)}",
        )
        for item in page.funded
    ]
    return form


def _render(page: PayoutPage, form: PayoutForm) -> ResponseReturnValue:
    return render_template(
        "disbursements/disbursements.html",
        items=page.payouts,
        listing=page.listing,
        names=page.names,
        held=page.held,
        form=form,
        action_form=ConfirmedActionForm(),
        reject_form=RejectForm(),
        can_record=staff().has_role(Role.FINANCE),
        methods=METHOD_LABELS,
    )


@bp.get("/disbursements")
@roles_required(*EVIDENCE_READERS)
def disbursements() -> ResponseReturnValue:
    # `?awaiting=me`: the payouts the viewer may approve (the home page's inbox links here).
    awaiting = staff() if request.args.get("awaiting") and staff().has_role(Role.FINANCE) else None
    paging = requested_page(request.args, per_page_arg=True)
    page = payout_page(awaiting_for=awaiting, paging=paging)
    return _render(page, _payout_form(page))


@bp.get("/disbursements/export")
@roles_required(*EVIDENCE_READERS)
def export() -> ResponseReturnValue:
    """Every payout as CSV or XLSX, as the page lists them; audited."""
    return download(export_payouts(export_request(filtered=False)))


@bp.post("/disbursements")
@roles_required(Role.FINANCE)
def propose() -> ResponseReturnValue:
    page = payout_page()
    form = _payout_form(page)
    if form.validate_on_submit():
        upload = form.evidence.data
        with errors_shown_on(form):
            propose_disbursement(
                staff(),
                PayoutInput(
                    listing_id=form.listing_id.data or "",
                    amount_fen=form.amount.data_fen or 0,
                    method=form.method.data or "",
                    payee=form.payee.data or "",
                    reference=form.reference.data or "",
                    paid_on=form.paid_on.data or date.min,
                    evidence_name=upload.filename or "",
                    evidence=upload.read(),
                ),
                _evidence_dir(),
            )
            flash(_("Payout recorded; another finance user must approve it."), "success")
            return redirect(url_for("disbursements.disbursements"))
    return _render(page, form)


@bp.route("/disbursements/<int:disbursement_id>", methods=["POST"])
@roles_required(Role.FINANCE)
@redirects_on_domain_error("disbursements.disbursements")
def decide_disbursement(disbursement_id: int) -> ResponseReturnValue:
    if request.form.get("decision") == "approve":
        form = ConfirmedActionForm()
        if not form.validate_on_submit():
            # Approving books the payout for good: without the ticked box nothing happens.
            flash(
                first_error(form) or _("Tick the box to confirm: this cannot be undone."), "error"
            )
            return redirect(url_for("disbursements.disbursements"))
        approve_disbursement(staff(), disbursement_id)
        flash(_("Payout approved."), "success")
    else:
        form = RejectForm()
        if not form.validate_on_submit():
            flash(_("Give a reason."), "error")
        else:
            reject_disbursement(staff(), disbursement_id, form.reason.data or "")
            flash(_("Payout rejected."), "success")
    return redirect(url_for("disbursements.disbursements"))


@bp.route("/disbursements/<int:disbursement_id>/evidence")
@roles_required(*EVIDENCE_READERS)
def evidence(disbursement_id: int) -> ResponseReturnValue:
    found = open_evidence(staff(), disbursement_id, _evidence_dir(), ip=client_ip())
    # Never inline: a file opened in the portal's origin could run as one of its pages.
    return send_file(found.path, mimetype=found.mime, as_attachment=True, download_name=found.name)
