"""Staff pages about donors: messages held for moderation, official-receipt requests."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core.db import db
from core.errors import DomainError
from core.forms import ActionForm
from core.users import Role
from core.web import roles_required, show_error, staff
from donations.donors.forms import IssueForm
from donations.donors.moderation import MODERATORS, moderate_message, review_queue
from donations.donors.receipts import mark_issued, pending_receipts

bp = Blueprint("donors", __name__, template_folder="templates")


@bp.route("/moderation/messages", methods=["GET", "POST"])
@roles_required(*MODERATORS)
def moderation() -> ResponseReturnValue:
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        approve = request.form.get("decision") == "show"
        try:
            moderate_message(staff(), request.form.get("donation_id", ""), approve)
        except DomainError as error:
            db.session.rollback()
            show_error(None, error)
        else:
            flash(_("The message is shown.") if approve else _("The message is hidden."), "success")
        return redirect(url_for("donors.moderation"))
    return render_template("donors/moderation.html", items=review_queue(), form=form)


@bp.route("/finance/receipts", methods=["GET", "POST"])
@roles_required(Role.FINANCE, Role.ADMIN, Role.AUDITOR)
def receipts() -> ResponseReturnValue:
    form = IssueForm()
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                mark_issued(staff(), request.form.get("receipt_id", ""), form.receipt_no.data or "")
            except DomainError as error:
                db.session.rollback()
                show_error(None, error)
            else:
                flash(_("Marked as issued."), "success")
        else:
            flash(_("The receipt number is required."), "error")
        return redirect(url_for("donors.receipts"))
    return render_template(
        "donors/receipts.html",
        items=pending_receipts(),
        form=form,
        can_issue=staff().has_role(Role.FINANCE),
    )
