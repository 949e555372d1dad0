"""Staff pages about donors: messages held for moderation, official-receipt requests."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core.export import download
from core.forms import ActionForm
from core.users import Role
from core.web import export_request, redirects_on_domain_error, roles_required, staff
from donations.donors.forms import IssueForm
from donations.donors.moderation import MODERATORS, moderate_message, review_queue
from donations.donors.receipt_export import export_receipts
from donations.donors.receipts import mark_issued, pending_receipts

bp = Blueprint("donors", __name__, template_folder="templates")


@bp.get("/moderation/messages")
@roles_required(*MODERATORS)
def moderation() -> ResponseReturnValue:
    return render_template("donors/moderation.html", items=review_queue(), form=ActionForm())


@bp.post("/moderation/messages")
@roles_required(*MODERATORS)
@redirects_on_domain_error("donors.moderation")
def moderate() -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    approve = request.form.get("decision") == "show"
    moderate_message(staff(), request.form.get("donation_id", ""), approve)
    flash(_("The message is shown.") if approve else _("The message is hidden."), "success")
    return redirect(url_for("donors.moderation"))


@bp.get("/finance/receipts")
@roles_required(Role.FINANCE, Role.ADMIN, Role.AUDITOR)
def receipts() -> ResponseReturnValue:
    return render_template(
        "donors/receipts.html",
        items=pending_receipts(),
        form=IssueForm(),
        can_issue=staff().has_role(Role.FINANCE),
    )


@bp.get("/finance/receipts/export")
@roles_required(Role.FINANCE, Role.ADMIN, Role.AUDITOR)
def export() -> ResponseReturnValue:
    """The receipt requests waiting to be issued as CSV or XLSX, names masked; audited."""
    return download(export_receipts(export_request(filtered=False)))


@bp.post("/finance/receipts")
@roles_required(Role.FINANCE, Role.ADMIN, Role.AUDITOR)
@redirects_on_domain_error("donors.receipts")
def issue_receipt() -> ResponseReturnValue:
    form = IssueForm()
    if form.validate_on_submit():
        mark_issued(staff(), request.form.get("receipt_id", ""), form.receipt_no.data or "")
        flash(_("Marked as issued."), "success")
    else:
        flash(_("The receipt number is required."), "error")
    return redirect(url_for("donors.receipts"))
