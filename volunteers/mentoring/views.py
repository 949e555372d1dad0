"""Staff pages of mentoring, under /volunteers/mentoring.

Coordinators: the overview, pairing runs, proposed pairs to approve or decline, the
mentors' capacities. Casework staff: their people's mentoring pages (profile,
consent, conflicts), pairs to confirm, concerns to resolve. A pair's page serves both.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from core.forms import ActionForm
from core.web import client_ip, errors_shown_on, redirects_on_domain_error, roles_required, staff
from volunteers.mentoring import meetings, pairs, profiles, queries, runs
from volunteers.mentoring.access import CASEWORKERS, COORDINATORS, PAIR_READERS, STAFF
from volunteers.mentoring.forms import (
    CapacityForm,
    ConflictForm,
    ConsentForm,
    NoteForm,
    ProfileForm,
    ResolveForm,
)
from volunteers.mentoring.profiles import ConsentInput, ProfileInput

bp = Blueprint(
    "mentoring", __name__, url_prefix="/volunteers/mentoring", template_folder="templates"
)


def _flash_errors(form: FlaskForm) -> None:
    for field_errors in form.errors.values():
        for error in field_errors:
            flash(str(error), "error")


def _words(raw: str | None) -> list[str]:
    return (raw or "").replace("，", ",").replace("、", ",").split(",")


# -- the overview and runs (coordinators) --------------------------------------------------------


@bp.get("")
@roles_required(*STAFF)
def index() -> ResponseReturnValue:
    user = staff()
    return render_template(
        "mentoring/index.html",
        overview=queries.overview(user) if user.has_role(*PAIR_READERS) else None,
        can_run=user.has_role(*COORDINATORS),
        casework=user.does_casework,
        action_form=ActionForm(),
    )


@bp.post("/runs")
@roles_required(*COORDINATORS)
@redirects_on_domain_error("mentoring.index")
def run() -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    started = runs.run_pairing(staff(), ip=client_ip())
    flash(_("Pairing run done: %(n)d pairs proposed.", n=started.proposed), "success")
    return redirect(url_for("mentoring.run_detail", run_id=started.id))


@bp.get("/runs/<int:run_id>")
@roles_required(*PAIR_READERS)
def run_detail(run_id: int) -> ResponseReturnValue:
    return render_template(
        "mentoring/run.html",
        page=queries.run_page(staff(), run_id),
        action_form=ActionForm(),
        note_form=NoteForm(),
        can_decide=staff().has_role(*COORDINATORS),
    )


@bp.get("/mentors")
@roles_required(*PAIR_READERS)
def mentors() -> ResponseReturnValue:
    return render_template(
        "mentoring/mentors.html",
        mentors=queries.mentors(),
        form=CapacityForm(),
        can_set=staff().has_role(*COORDINATORS),
    )


@bp.post("/mentors/<int:volunteer_id>/capacity")
@roles_required(*COORDINATORS)
@redirects_on_domain_error("mentoring.mentors")
def set_capacity(volunteer_id: int) -> ResponseReturnValue:
    form = CapacityForm()
    if form.validate_on_submit():
        pairs.set_capacity(staff(), volunteer_id, form.capacity.data, ip=client_ip())
        flash(_("Saved."), "success")
    else:
        _flash_errors(form)
    return redirect(url_for("mentoring.mentors"))


# -- a pair -------------------------------------------------------------------------------------


@bp.get("/pairs/<int:pair_id>")
@roles_required(*STAFF)
def pair(pair_id: int) -> ResponseReturnValue:
    user = staff()
    return render_template(
        "mentoring/pair.html",
        page=queries.view_pair(user, pair_id, ip=client_ip()),
        action_form=ActionForm(),
        note_form=NoteForm(),
        can_decide=user.has_role(*COORDINATORS),
        can_casework=user.may_write_casework,
    )


def _back_to_pair(pair_id: int) -> ResponseReturnValue:
    return redirect(url_for("mentoring.pair", pair_id=pair_id))


@bp.post("/pairs/<int:pair_id>/approve")
@roles_required(*COORDINATORS)
@redirects_on_domain_error("mentoring.pair")
def approve(pair_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    approved = pairs.approve_pair(staff(), pair_id, ip=client_ip())
    if approved.status == "awaiting_officer":
        flash(_("Approved. The person's officer confirms the pair before it starts."), "success")
    else:
        flash(_("Approved. The pair has started."), "success")
    return _back_to_pair(pair_id)


@bp.post("/pairs/<int:pair_id>/decline")
@roles_required(*COORDINATORS)
@redirects_on_domain_error("mentoring.pair")
def decline(pair_id: int) -> ResponseReturnValue:
    form = NoteForm()
    if form.validate_on_submit():
        pairs.decline_pair(staff(), pair_id, form.note.data or "", ip=client_ip())
        flash(_("Declined."), "success")
    else:
        flash(_("Give a reason."), "error")
    return _back_to_pair(pair_id)


@bp.post("/pairs/<int:pair_id>/confirm")
@roles_required(*CASEWORKERS)
@redirects_on_domain_error("mentoring.pair")
def confirm(pair_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    pairs.confirm_pair(staff(), pair_id, ip=client_ip())
    flash(_("Confirmed. The pair has started."), "success")
    return _back_to_pair(pair_id)


@bp.post("/pairs/<int:pair_id>/end")
@roles_required(*(CASEWORKERS | COORDINATORS))
@redirects_on_domain_error("mentoring.pair")
def end(pair_id: int) -> ResponseReturnValue:
    form = NoteForm()
    if form.validate_on_submit():
        pairs.end_pair_as_staff(staff(), pair_id, form.note.data or "", ip=client_ip())
        flash(_("The pair has ended."), "success")
    else:
        flash(_("Give a reason."), "error")
    return _back_to_pair(pair_id)


@bp.post("/pairs/<int:pair_id>/take-over")
@roles_required(*CASEWORKERS)
@redirects_on_domain_error("mentoring.pair")
def take_over(pair_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    pairs.take_over_pair(staff(), pair_id, ip=client_ip())
    flash(_("You are now the volunteer's contact for this pair."), "success")
    return _back_to_pair(pair_id)


# -- the casework pages --------------------------------------------------------------------------


@bp.get("/mentees")
@roles_required(*STAFF)
def mentees() -> ResponseReturnValue:
    user = staff()
    if not user.does_casework:
        abort(404)
    return render_template("mentoring/mentees.html", rows=queries.mentee_rows(user))


def _render_mentee(person_id: int, profile_form: ProfileForm | None = None) -> str:
    user = staff()
    page = queries.view_mentee_page(user, person_id, ip=client_ip())
    if profile_form is None:
        profile_form = ProfileForm(obj=page.profile) if page.profile else ProfileForm()
        if page.profile:
            profile_form.needs.data = "，".join(page.profile.needs)
        else:
            profile_form.languages.data = list(page.person.languages or [])
    conflict_form = ConflictForm()
    conflict_form.volunteer_id.choices = queries.volunteer_choices()
    return render_template(
        "mentoring/mentee.html",
        page=page,
        profile_form=profile_form,
        consent_form=ConsentForm(),
        conflict_form=conflict_form,
        action_form=ActionForm(),
        can_write=user.may_write_casework,
    )


@bp.route("/mentees/<int:person_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def mentee(person_id: int) -> ResponseReturnValue:
    if not staff().does_casework:
        abort(404)
    form = ProfileForm()
    if request.method == "POST":
        if not staff().may_write_casework:
            abort(404)
        if form.validate_on_submit():
            with errors_shown_on(form):
                profiles.save_profile(
                    staff(),
                    person_id,
                    ProfileInput(
                        seeking=bool(form.seeking.data),
                        needs=_words(form.needs.data),
                        needs_note=form.needs_note.data or "",
                        languages=list(form.languages.data or []),
                        availability=list(form.availability.data or []),
                        wants_same_gender=bool(form.wants_same_gender.data),
                    ),
                    ip=client_ip(),
                )
                flash(_("Saved."), "success")
                return redirect(url_for("mentoring.mentee", person_id=person_id))
        return _render_mentee(person_id, form)
    return _render_mentee(person_id)


@bp.post("/mentees/<int:person_id>/consent")
@roles_required(*CASEWORKERS)
@redirects_on_domain_error("mentoring.mentee")
def record_consent(person_id: int) -> ResponseReturnValue:
    form = ConsentForm()
    if form.validate_on_submit():
        profiles.record_consent(
            staff(),
            person_id,
            ConsentInput(
                given_on=form.given_on.data,
                share_town=bool(form.share_town.data),
                share_languages=bool(form.share_languages.data),
                share_needs=bool(form.share_needs.data),
            ),
            ip=client_ip(),
        )
        flash(_("Consent recorded."), "success")
    else:
        _flash_errors(form)
    return redirect(url_for("mentoring.mentee", person_id=person_id))


@bp.post("/mentees/<int:person_id>/consent/withdraw")
@roles_required(*CASEWORKERS)
@redirects_on_domain_error("mentoring.mentee")
def withdraw_consent(person_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    ended = profiles.withdraw_consent(staff(), person_id, ip=client_ip())
    flash(_("Consent withdrawn; %(n)d pairs ended.", n=ended), "success")
    return redirect(url_for("mentoring.mentee", person_id=person_id))


@bp.post("/mentees/<int:person_id>/conflicts")
@roles_required(*CASEWORKERS)
@redirects_on_domain_error("mentoring.mentee")
def declare_conflict(person_id: int) -> ResponseReturnValue:
    form = ConflictForm()
    form.volunteer_id.choices = queries.volunteer_choices()
    if form.validate_on_submit():
        profiles.declare_conflict(
            staff(),
            person_id,
            int(form.volunteer_id.data),
            form.reason.data or "",
            form.note.data or "",
            ip=client_ip(),
        )
        flash(_("Conflict of interest recorded."), "success")
    else:
        _flash_errors(form)
    return redirect(url_for("mentoring.mentee", person_id=person_id))


@bp.post("/mentees/<int:person_id>/conflicts/<int:conflict_id>/remove")
@roles_required(*CASEWORKERS)
@redirects_on_domain_error("mentoring.mentee")
def remove_conflict(person_id: int, conflict_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    profiles.remove_conflict(staff(), person_id, conflict_id, ip=client_ip())
    flash(_("Conflict of interest removed."), "success")
    return redirect(url_for("mentoring.mentee", person_id=person_id))


@bp.get("/concerns")
@roles_required(*STAFF)
def concerns() -> ResponseReturnValue:
    if not staff().does_casework:
        abort(404)
    return render_template("mentoring/concerns.html", items=queries.open_concerns(staff()))


@bp.route("/concerns/<int:meeting_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def concern(meeting_id: int) -> ResponseReturnValue:
    if not staff().does_casework:
        abort(404)
    form = ResolveForm()
    if request.method == "POST" and staff().may_write_casework and form.validate_on_submit():
        with errors_shown_on(form):
            meetings.resolve_concern(
                staff(), meeting_id, form.resolution.data or "", ip=client_ip()
            )
            flash(_("Marked resolved."), "success")
            return redirect(url_for("mentoring.concerns"))
    return render_template(
        "mentoring/concern.html",
        item=queries.view_concern(staff(), meeting_id, ip=client_ip()),
        form=form,
        can_write=staff().may_write_casework,
    )
