"""The volunteer's shift pages (under `/v`): open shifts, signing up and cancelling,
checking in and out, their hours and certificates.

A volunteer reaches their own sign-ups and hours only: another volunteer's ids
answer 404, as a missing one does.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core.drawing import FontMissing
from core.forms import ActionForm
from core.web import errors_shown_on, redirects_on_domain_error
from volunteers.accounts.web import volunteer, volunteer_required
from volunteers.programmes import attendance, hours, queries, signups
from volunteers.programmes.certificate_png import render_png
from volunteers.programmes.forms import CodeForm
from volunteers.programmes.models import SignupStatus

bp = Blueprint("volunteer_shifts", __name__, url_prefix="/v", template_folder="templates")


def _cutoff() -> timedelta:
    return timedelta(hours=int(current_app.config["VOLUNTEER_SIGNUP_CUTOFF_H"]))


@bp.get("/shifts")
@volunteer_required
def shifts() -> ResponseReturnValue:
    return render_template(
        "volunteer_shifts/shifts.html", rows=queries.open_shifts(), cutoff_h=_cutoff_hours()
    )


def _cutoff_hours() -> int:
    return int(current_app.config["VOLUNTEER_SIGNUP_CUTOFF_H"])


@bp.get("/shifts/<shift_id>")
@volunteer_required
def shift(shift_id: str) -> ResponseReturnValue:
    page = queries.volunteer_shift_page(volunteer().id, shift_id)
    return render_template(
        "volunteer_shifts/shift.html",
        row=page.row,
        mine=page.mine,
        form=ActionForm(),
        status=page.status,
        cutoff_h=_cutoff_hours(),
    )


@bp.post("/shifts/<shift_id>/signup")
@volunteer_required
@redirects_on_domain_error("volunteer_shifts.shift")
def sign_up(shift_id: str) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    signup = signups.sign_up(volunteer().id, shift_id, cutoff=_cutoff())
    if signup.status == SignupStatus.WAITLISTED:
        flash(
            _(
                "The shift is full: you are on its waitlist. If a place frees up, it is yours and you are told."
            ),
            "success",
        )
    else:
        flash(_("You have a place on this shift."), "success")
    return redirect(url_for("volunteer_shifts.signup", signup_id=signup.public_id))


def _render_signup(signup_id: str, form: CodeForm) -> ResponseReturnValue:
    page = queries.signup_page(volunteer().id, signup_id)
    return render_template(
        "volunteer_shifts/signup.html",
        signup=page.signup,
        position=page.position,
        entry=page.entry,
        form=form,
        cancel_form=ActionForm(),
    )


@bp.get("/signups/<signup_id>")
@volunteer_required
def signup(signup_id: str) -> ResponseReturnValue:
    return _render_signup(signup_id, CodeForm())


@bp.post("/signups/<signup_id>/cancel")
@volunteer_required
@redirects_on_domain_error("volunteer_shifts.signup")
def cancel(signup_id: str) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    signups.cancel_signup(volunteer().id, signup_id, cutoff=_cutoff())
    flash(_("Your sign-up is cancelled."), "success")
    return redirect(url_for("volunteer_shifts.signup", signup_id=signup_id))


@bp.post("/signups/<signup_id>/checkin")
@volunteer_required
def check_in(signup_id: str) -> ResponseReturnValue:
    form = CodeForm()
    if form.validate_on_submit():
        with errors_shown_on(form):
            attendance.check_in(volunteer().id, signup_id, form.code.data or "")
            flash(_("You are checked in. Check out with the same code when you leave."), "success")
            return redirect(url_for("volunteer_shifts.signup", signup_id=signup_id))
    return _render_signup(signup_id, form)


@bp.post("/signups/<signup_id>/checkout")
@volunteer_required
def check_out(signup_id: str) -> ResponseReturnValue:
    form = CodeForm()
    if form.validate_on_submit():
        with errors_shown_on(form):
            attendance.check_out(volunteer().id, signup_id, form.code.data or "")
            flash(
                _("You are checked out. Your hours wait for the coordinator's approval."), "success"
            )
            return redirect(url_for("volunteer_shifts.signup", signup_id=signup_id))
    return _render_signup(signup_id, form)


@bp.get("/hours")
@volunteer_required
def my_hours() -> ResponseReturnValue:
    me = volunteer().id
    return render_template(
        "volunteer_shifts/hours.html",
        entries=hours.own_hours(me),
        approved=hours.approved_minutes(me),
        years=hours.certificate_years(me),
    )


@bp.get("/certificates/<int:year>.png")
@volunteer_required
def certificate(year: int) -> ResponseReturnValue:
    cert = hours.certificate(volunteer().id, year)
    try:
        png = render_png(cert)
    except FontMissing:
        abort(503)
    return Response(
        png,
        mimetype="image/png",
        headers={"Content-Disposition": f"inline; filename=volunteer-hours-{year}.png"},
    )


def render_home_section(me_id: int) -> str:
    """Upcoming shifts, hours and certificates on the volunteer's own page."""
    return render_template(
        "volunteer_shifts/home_section.html",
        upcoming=queries.own_signups(me_id, upcoming=True),
        approved=hours.approved_minutes(me_id),
        pending=[h for h in hours.own_hours(me_id) if h.status == "pending"],
        years=hours.certificate_years(me_id),
    )
