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

from core.export import download
from core.forms import ActionForm, RejectForm
from core.users import Role
from core.web import export_request, redirects_on_domain_error, roles_required, staff
from donations.proposals.exports import export_proposals
from donations.proposals.queries import proposal_page, recent_proposals
from donations.proposals.services import (
    PROPOSERS,
    approve_proposal,
    proposable_projects,
    reject_proposal,
    run_proposal,
)

bp = Blueprint("proposals", __name__, template_folder="templates")


VIEWERS = (Role.ADMIN, Role.AUDITOR, Role.FINANCE, Role.OFFICER, Role.SOCIAL_WORKER)


def _threshold() -> int:
    return int(current_app.config["ALLOCATION_SECOND_APPROVAL_FEN"])


@bp.get("/allocations")
@roles_required(*VIEWERS)
def allocations() -> ResponseReturnValue:
    return render_template(
        "proposals/allocations.html",
        items=recent_proposals(awaiting_for=staff() if request.args.get("awaiting") else None),
        awaiting=bool(request.args.get("awaiting")),
        form=ActionForm(),
        can_propose=staff().has_role(*PROPOSERS),
        projects=proposable_projects(),
    )


@bp.get("/allocations/export")
@roles_required(*VIEWERS)
def export() -> ResponseReturnValue:
    """Every proposal as CSV or XLSX, with who proposed and decided and when; audited."""
    return download(export_proposals(export_request(filtered=False)))


@bp.post("/allocations")
@roles_required(*PROPOSERS)
@redirects_on_domain_error("proposals.allocations")
def propose() -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(404)
    proposal = run_proposal(staff(), request.form.get("project_id", "")[:36])
    flash(_("Proposal ready for approval."), "success")
    return redirect(url_for("proposals.proposal", proposal_id=proposal.id))


@bp.get("/allocations/<int:proposal_id>")
@roles_required(*VIEWERS)
def proposal(proposal_id: int) -> ResponseReturnValue:
    page = proposal_page(staff(), proposal_id)
    return render_template(
        "proposals/proposal.html",
        proposal=page.proposal,
        seen=page,
        fairness=page.fairness,
        action_form=ActionForm(),
        reject_form=RejectForm(),
        threshold=_threshold(),
    )


@bp.post("/allocations/<int:proposal_id>")
@roles_required(*VIEWERS)
@redirects_on_domain_error("proposals.proposal")
def decide(proposal_id: int) -> ResponseReturnValue:
    reject_form = RejectForm()
    if request.form.get("decision") == "approve":
        if not ActionForm().validate_on_submit():
            abort(400)
        approve_proposal(staff(), proposal_id, _threshold())
        flash(_("Approved."), "success")
    elif reject_form.validate_on_submit():
        reject_proposal(staff(), proposal_id, reject_form.reason.data or "")
        flash(_("Rejected."), "success")
    else:
        flash(_("Give a reason."), "error")
    return redirect(url_for("proposals.proposal", proposal_id=proposal_id))
