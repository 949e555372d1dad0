"""Staff pages of programmes (`/programs`), activities, shifts and hours (`/activities`).

The volunteer's own shift pages are in `volunteer_views.py` (under `/v`).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core.export import download
from core.forms import ActionForm, ReasonForm
from core.web import (
    client_ip,
    errors_shown_on,
    export_format,
    export_request,
    redirects_on_domain_error,
    roles_required,
    staff,
)
from volunteers.programmes import catalogue, hours, queries
from volunteers.programmes.exports import export_programmes
from volunteers.programmes.forms import ActivityForm, CapacityForm, ProgrammeForm, ShiftForm
from volunteers.programmes.scope import CREATORS, STAFF, run_activity, run_programme

bp = Blueprint("programmes", __name__, template_folder="templates")


def _programme_form(form: ProgrammeForm) -> ProgrammeForm:
    form.coordinator_ids.choices = queries.coordinator_choices()
    form.partner_ids.choices = queries.organisation_choices()
    return form


@bp.get("/programs")
@roles_required(*STAFF)
def programmes() -> ResponseReturnValue:
    return render_template(
        "programmes/programmes.html",
        items=queries.programmes_for(staff()),
        can_create=staff().has_role(*CREATORS),
    )


@bp.get("/programs/export")
@roles_required(*STAFF)
def export_programme_list() -> ResponseReturnValue:
    """The programmes the viewer may see as CSV or XLSX; audited."""
    return download(export_programmes(export_request(filtered=False)))


@bp.route("/programs/new", methods=["GET", "POST"])
@bp.route("/programs/<int:programme_id>/edit", methods=["GET", "POST"])
@roles_required(*CREATORS)
def edit_programme(programme_id: int | None = None) -> ResponseReturnValue:
    programme = run_programme(staff(), programme_id) if programme_id else None
    form = _programme_form(ProgrammeForm(obj=programme))
    if programme is not None and request.method == "GET":
        page = queries.programme_page(staff(), programme.id)
        form.coordinator_ids.data = [u.id for u in page.coordinators]
        form.partner_ids.data = [o.id for o in programme.partners]
    if form.validate_on_submit():
        with errors_shown_on(form):
            saved = catalogue.save_programme(
                staff(),
                catalogue.ProgrammeInput(
                    name=form.name.data or "",
                    description=form.description.data or "",
                    coordinator_ids=list(form.coordinator_ids.data or []),
                    partner_ids=list(form.partner_ids.data or []),
                    active=bool(form.active.data),
                ),
                programme_id,
                ip=client_ip(),
            )
            flash(_("Saved."), "success")
            return redirect(url_for("programmes.programme", programme_id=saved.id))
    return render_template("programmes/programme_form.html", form=form, programme=programme)


@bp.get("/programs/<int:programme_id>")
@roles_required(*STAFF)
def programme(programme_id: int) -> ResponseReturnValue:
    return render_template(
        "programmes/programme.html",
        page=queries.programme_page(staff(), programme_id),
        form=ActivityForm(),
    )


@bp.post("/programs/<int:programme_id>/activities")
@roles_required(*CREATORS)
def add_activity(programme_id: int) -> ResponseReturnValue:
    form = ActivityForm()
    if form.validate_on_submit():
        with errors_shown_on(form):
            activity = catalogue.save_activity(
                staff(), _activity_input(form), programme_id=programme_id, ip=client_ip()
            )
            flash(_("Saved."), "success")
            return redirect(url_for("programmes.activity", activity_id=activity.id))
    return render_template(
        "programmes/programme.html", page=queries.programme_page(staff(), programme_id), form=form
    )


def _activity_input(form: ActivityForm) -> catalogue.ActivityInput:
    return catalogue.ActivityInput(
        title=form.title.data or "",
        description=form.description.data or "",
        needs_vetting=bool(form.needs_vetting.data),
    )


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@roles_required(*CREATORS)
def edit_activity(activity_id: int) -> ResponseReturnValue:
    activity = run_activity(staff(), activity_id)
    form = ActivityForm(obj=activity)
    if form.validate_on_submit():
        with errors_shown_on(form):
            catalogue.save_activity(
                staff(), _activity_input(form), activity_id=activity_id, ip=client_ip()
            )
            flash(_("Saved."), "success")
            return redirect(url_for("programmes.activity", activity_id=activity_id))
    return render_template("programmes/activity_form.html", form=form, activity=activity)


@bp.get("/activities")
@roles_required(*STAFF)
def activities() -> ResponseReturnValue:
    return render_template(
        "programmes/activities.html",
        items=queries.activities_for(staff()),
        pending=hours.pending_count(staff()),
    )


def _render_activity(activity_id: int, form: ShiftForm) -> ResponseReturnValue:
    return render_template(
        "programmes/activity.html", page=queries.activity_page(staff(), activity_id), form=form
    )


@bp.get("/activities/<int:activity_id>")
@roles_required(*STAFF)
def activity(activity_id: int) -> ResponseReturnValue:
    return _render_activity(activity_id, ShiftForm())


@bp.post("/activities/<int:activity_id>/shifts")
@roles_required(*CREATORS)
def add_shift(activity_id: int) -> ResponseReturnValue:
    form = ShiftForm()
    if form.validate_on_submit():
        starts_at, ends_at = form.moments()
        with errors_shown_on(form):
            shift = catalogue.add_shift(
                staff(),
                activity_id,
                catalogue.ShiftInput(
                    starts_at=starts_at,
                    ends_at=ends_at,
                    place=form.place.data or "",
                    capacity=int(form.capacity.data or 0),
                    town=form.town.data or None,
                ),
                ip=client_ip(),
            )
            flash(
                _("Shift added. Its check-in code is %(code)s.", code=shift.checkin_code), "success"
            )
            return redirect(url_for("programmes.shift", shift_id=shift.id))
    return _render_activity(activity_id, form)


@bp.get("/activities/shifts/<int:shift_id>")
@roles_required(*STAFF)
def shift(shift_id: int) -> ResponseReturnValue:
    page = queries.shift_page(staff(), shift_id)
    return render_template(
        "programmes/shift.html",
        page=page,
        names=queries.volunteer_names([s.volunteer_id for s in page.signups]),
        capacity_form=CapacityForm(capacity=page.row.shift.capacity),
        cancel_form=ReasonForm(),
    )


@bp.post("/activities/shifts/<int:shift_id>/capacity")
@roles_required(*CREATORS)
@redirects_on_domain_error("programmes.shift")
def shift_capacity(shift_id: int) -> ResponseReturnValue:
    form = CapacityForm()
    if not form.validate_on_submit():
        flash(_("Capacity is between 1 and %(n)d.", n=catalogue.MAX_CAPACITY), "error")
        return redirect(url_for("programmes.shift", shift_id=shift_id))
    catalogue.change_capacity(staff(), shift_id, int(form.capacity.data or 0), ip=client_ip())
    flash(_("Saved."), "success")
    return redirect(url_for("programmes.shift", shift_id=shift_id))


@bp.post("/activities/shifts/<int:shift_id>/cancel")
@roles_required(*CREATORS)
@redirects_on_domain_error("programmes.shift")
def cancel_shift(shift_id: int) -> ResponseReturnValue:
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for this decision."), "error")
        return redirect(url_for("programmes.shift", shift_id=shift_id))
    catalogue.cancel_shift(staff(), shift_id, form.reason.data or "", ip=client_ip())
    flash(_("The shift is cancelled; its volunteers are told."), "success")
    return redirect(url_for("programmes.shift", shift_id=shift_id))


# -- hours -----------------------------------------------------------------------------------


@bp.get("/activities/hours")
@roles_required(*STAFF)
def hours_to_approve() -> ResponseReturnValue:
    items = hours.pending_hours(staff())
    return render_template(
        "programmes/hours.html",
        items=items,
        names=queries.volunteer_names([h.volunteer_id for h in items]),
        form=ActionForm(),
        decline_form=ReasonForm(),
    )


@bp.post("/activities/hours/<int:hours_id>/approve")
@roles_required(*CREATORS)
@redirects_on_domain_error("programmes.hours_to_approve")
def approve_hours(hours_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    hours.approve_hours(staff(), hours_id, ip=client_ip())
    flash(_("Hours approved."), "success")
    return redirect(url_for("programmes.hours_to_approve"))


@bp.post("/activities/hours/<int:hours_id>/decline")
@roles_required(*CREATORS)
@redirects_on_domain_error("programmes.hours_to_approve")
def decline_hours(hours_id: int) -> ResponseReturnValue:
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for this decision."), "error")
        return redirect(url_for("programmes.hours_to_approve"))
    hours.decline_hours(staff(), hours_id, form.reason.data or "", ip=client_ip())
    flash(_("Hours declined; the volunteer sees the reason."), "success")
    return redirect(url_for("programmes.hours_to_approve"))


@bp.get("/activities/hours/totals")
@roles_required(*STAFF)
def hours_totals() -> ResponseReturnValue:
    return render_template("programmes/totals.html", totals=hours.totals(staff()))


@bp.get("/activities/hours/export")
@roles_required(*STAFF)
def export_hours() -> ResponseReturnValue:
    return download(hours.export_hours(staff(), export_format(), ip=client_ip()))
