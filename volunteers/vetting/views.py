"""Staff pages of vetting (`/volunteers`): the list by state, a volunteer's record,
the checks and the decisions."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core.export import download
from core.forms import ActionForm
from core.listing import requested_page
from core.web import client_ip, errors_shown_on, export_request, roles_required, staff
from volunteers.vetting import queries, services
from volunteers.vetting.exports import export_volunteers
from volunteers.vetting.forms import DecisionForm, StepForm
from volunteers.vetting.models import VettingStatus

bp = Blueprint("vetting", __name__, template_folder="templates")


def _status() -> str | None:
    return request.args.get("status", "")[:16] or None


@bp.get("/volunteers/export")
@roles_required(*services.READERS)
def export() -> ResponseReturnValue:
    """The volunteers of the list's state as CSV or XLSX, nothing identifying; audited."""
    return download(export_volunteers(export_request(), _status()))


@bp.get("/volunteers")
@roles_required(*services.READERS)
def volunteers() -> ResponseReturnValue:
    status = _status()
    listing = queries.volunteers_list(status, requested_page(request.args, per_page_arg=True))
    return render_template(
        "vetting/volunteers.html",
        items=listing.items,
        listing=listing,
        status=status,
        statuses=list(VettingStatus),
    )


def _render(
    volunteer_id: int,
    *,
    reveal: bool = False,
    step_form: StepForm | None = None,
    decision_form: DecisionForm | None = None,
) -> ResponseReturnValue:
    page = queries.volunteer_page(staff(), volunteer_id, reveal=reveal, ip=client_ip())
    return render_template(
        "vetting/volunteer.html",
        page=page,
        step_form=step_form or StepForm(),
        decision_form=decision_form or DecisionForm(),
        reveal_form=ActionForm(),
        can_vet=staff().has_role(*services.VETTERS),
    )


@bp.get("/volunteers/<int:volunteer_id>")
@roles_required(*services.READERS)
def volunteer(volunteer_id: int) -> ResponseReturnValue:
    return _render(volunteer_id)


@bp.post("/volunteers/<int:volunteer_id>/reveal")
@roles_required(*services.VETTERS)
def reveal(volunteer_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        return redirect(url_for("vetting.volunteer", volunteer_id=volunteer_id))
    return _render(volunteer_id, reveal=True)


@bp.post("/volunteers/<int:volunteer_id>/steps")
@roles_required(*services.VETTERS)
def record_step(volunteer_id: int) -> ResponseReturnValue:
    form = StepForm()
    if form.validate_on_submit():
        with errors_shown_on(form):
            services.record_step(
                staff(),
                volunteer_id,
                services.Step(form.step.data),
                form.note.data or "",
                pledge_version=form.pledge_version.data or "",
                ip=client_ip(),
            )
            flash(_("Recorded."), "success")
            return redirect(url_for("vetting.volunteer", volunteer_id=volunteer_id))
    return _render(volunteer_id, step_form=form)


@bp.post("/volunteers/<int:volunteer_id>/decision")
@roles_required(*services.VETTERS)
def decide(volunteer_id: int) -> ResponseReturnValue:
    form = DecisionForm()
    if form.validate_on_submit():
        with errors_shown_on(form):
            services.decide(
                staff(),
                volunteer_id,
                services.Outcome(form.outcome.data),
                form.reason.data or "",
                ip=client_ip(),
            )
            flash(_("Decision recorded."), "success")
            return redirect(url_for("vetting.volunteer", volunteer_id=volunteer_id))
    return _render(volunteer_id, decision_form=form)


def render_status_section(volunteer_id: int) -> str:
    """The volunteer's own page: where their vetting stands (never the staff's notes)."""
    return render_template("vetting/status_section.html", status=services.status_of(volunteer_id))
