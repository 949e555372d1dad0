"""Staff pages of allocation proposals: run one, read it, approve or reject it."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from core.db import db
from core.errors import DomainError
from core.forms import ActionForm, RejectForm
from core.users import Role
from core.web import roles_required, show_error, staff
from donations.proposals.models import AllocationProposal
from donations.proposals.services import (
    PROPOSERS,
    approve_proposal,
    fairness,
    proposable_projects,
    reject_proposal,
    run_proposal,
    view_of,
)

bp = Blueprint("proposals", __name__, template_folder="templates")


VIEWERS = (Role.ADMIN, Role.AUDITOR, Role.FINANCE, Role.OFFICER, Role.SOCIAL_WORKER)


def _threshold() -> int:
    return int(current_app.config["ALLOCATION_SECOND_APPROVAL_FEN"])


@bp.route("/allocations", methods=["GET", "POST"])
@roles_required(*VIEWERS)
def allocations() -> ResponseReturnValue:
    form = ActionForm()
    if request.method == "POST":
        if not staff().has_role(*PROPOSERS) or not form.validate_on_submit():
            abort(404)
        try:
            proposal = run_proposal(staff(), request.form.get("project_id", "")[:36])
        except DomainError as error:
            db.session.rollback()
            show_error(None, error)
            return redirect(url_for("proposals.allocations"))
        flash(_("Proposal ready for approval."), "success")
        return redirect(url_for("proposals.proposal", proposal_id=proposal.id))
    items = list(
        db.session.scalars(
            select(AllocationProposal).order_by(AllocationProposal.id.desc()).limit(50)
        )
    )
    return render_template(
        "proposals/allocations.html",
        items=items,
        form=form,
        can_propose=staff().has_role(*PROPOSERS),
        projects=proposable_projects(),
    )


@bp.route("/allocations/<int:proposal_id>", methods=["GET", "POST"])
@roles_required(*VIEWERS)
def proposal(proposal_id: int) -> ResponseReturnValue:
    item = db.session.get(AllocationProposal, proposal_id)
    if item is None:
        abort(404)
    reject_form = RejectForm()
    if request.method == "POST":
        try:
            if request.form.get("decision") == "approve":
                if not ActionForm().validate_on_submit():
                    abort(400)
                approve_proposal(staff(), item.id, _threshold())
                flash(_("Approved."), "success")
            elif reject_form.validate_on_submit():
                reject_proposal(staff(), item.id, reject_form.reason.data or "")
                flash(_("Rejected."), "success")
            else:
                flash(_("Give a reason."), "error")
        except DomainError as error:
            db.session.rollback()
            show_error(None, error)
        return redirect(url_for("proposals.proposal", proposal_id=item.id))
    return render_template(
        "proposals/proposal.html",
        proposal=item,
        seen=view_of(staff(), item),
        fairness=fairness(item),
        action_form=ActionForm(),
        reject_form=reject_form,
        threshold=_threshold(),
    )
