"""Staff pages of payouts: propose with evidence, approve or reject, read the evidence."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import (
    Blueprint,
    abort,
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
from sqlalchemy import select
from wtforms import (
    SelectChoice,
)

from core import audit
from core.audit_actions import AuditAction
from core.db import db
from core.errors import DomainError
from core.forms import ActionForm, RejectForm
from core.money import MoneyError, format_fen, parse_yuan
from core.needs.labels import CATEGORY_LABELS
from core.users import Role
from core.web import actor, roles_required, show_error, staff
from donations.disbursements.forms import METHOD_LABELS, PayoutForm
from donations.disbursements.models import Disbursement
from donations.disbursements.services import (
    PayoutInput,
    approve_disbursement,
    propose_disbursement,
    reject_disbursement,
)
from donations.ledger.services import fund_balance_fen, need_account
from donations.projects.models import ListingStatus, NeedListing

bp = Blueprint("disbursements", __name__, template_folder="templates")


def _funded_choices() -> list[SelectChoice]:
    listings = db.session.scalars(
        select(NeedListing)
        .where(NeedListing.status == ListingStatus.FUNDED)
        .order_by(NeedListing.listed_at)
    ).all()
    return [
        SelectChoice(
            item.id,
            f"{item.need.alias} · {CATEGORY_LABELS.get(item.need.category, item.need.category)}"
            f" · {format_fen(fund_balance_fen(need_account(item)))}",
        )
        for item in listings
    ]


@bp.route("/disbursements", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.AUDITOR, Role.FINANCE)
def disbursements() -> ResponseReturnValue:
    form = PayoutForm()
    form.listing_id.choices = _funded_choices()
    if request.method == "POST":
        if not staff().has_role(Role.FINANCE):
            abort(404)
        if form.validate_on_submit():
            upload = form.evidence.data
            try:
                amount = parse_yuan(form.amount.data or "")
                propose_disbursement(
                    staff(),
                    PayoutInput(
                        listing_id=form.listing_id.data or "",
                        amount_fen=amount,
                        method=form.method.data or "",
                        payee=form.payee.data or "",
                        reference=form.reference.data or "",
                        paid_on=form.paid_on.data or date.min,
                        evidence_name=upload.filename or "",
                        evidence=upload.read(),
                    ),
                    Path(current_app.config["EVIDENCE_DIR"]),
                )
            except MoneyError:
                form.amount.errors = [_("Enter an amount in yuan, e.g. 1200 or 1200.50.")]
            except DomainError as error:
                db.session.rollback()
                show_error(form, error)
            else:
                flash(_("Payout recorded; another finance user must approve it."), "success")
                return redirect(url_for("disbursements.disbursements"))
    items = list(
        db.session.scalars(select(Disbursement).order_by(Disbursement.id.desc()).limit(100))
    )
    return render_template(
        "disbursements/disbursements.html",
        items=items,
        form=form,
        action_form=ActionForm(),
        reject_form=RejectForm(),
        can_record=staff().has_role(Role.FINANCE),
        methods=METHOD_LABELS,
    )


@bp.route("/disbursements/<int:disbursement_id>", methods=["POST"])
@roles_required(Role.FINANCE)
def decide_disbursement(disbursement_id: int) -> ResponseReturnValue:
    try:
        if request.form.get("decision") == "approve":
            if not ActionForm().validate_on_submit():
                abort(400)
            approve_disbursement(staff(), disbursement_id)
            flash(_("Payout approved."), "success")
        else:
            form = RejectForm()
            if not form.validate_on_submit():
                flash(_("Give a reason."), "error")
            else:
                reject_disbursement(staff(), disbursement_id, form.reason.data or "")
                flash(_("Payout rejected."), "success")
    except DomainError as error:
        db.session.rollback()
        show_error(None, error)
    return redirect(url_for("disbursements.disbursements"))


@bp.route("/disbursements/<int:disbursement_id>/evidence")
@roles_required(Role.ADMIN, Role.AUDITOR, Role.FINANCE)
def evidence(disbursement_id: int) -> ResponseReturnValue:
    payout = db.session.get(Disbursement, disbursement_id)
    path = Path(current_app.config["EVIDENCE_DIR"]) / (payout.evidence_path if payout else "")
    if payout is None or not path.is_file():
        abort(404)
    audit.record(actor(), AuditAction.DISBURSEMENT_EVIDENCE_VIEW, "disbursement", payout.id)
    db.session.commit()
    return send_file(path, mimetype=payout.evidence_mime, download_name=payout.evidence_name)
