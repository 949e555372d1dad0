"""Staff pages of courses, rounds and allocation runs (under /courses)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core.export import download
from core.forms import ActionForm
from core.paging import InvalidCursor
from core.params import parse_int
from core.privacy import mask_name
from core.timeutil import local_today
from core.towns import TOWN_NAMES
from core.users import Role
from core.web import (
    client_ip,
    errors_shown_on,
    export_request,
    redirects_on_domain_error,
    roles_required,
    staff,
)
from jobs_bases.partners.services import list_partners
from jobs_bases.training import allocation, courses
from jobs_bases.training.details import course_detail, round_detail
from jobs_bases.training.exports import export_courses
from jobs_bases.training.forms import KIND_LABELS, CourseForm, RoundForm, SessionForm, options
from jobs_bases.training.queries import CourseFilter, course_page
from jobs_bases.training.scope import TRAINING_ROLES, is_manager, runs_the_class, visible_course

bp = Blueprint(
    "courses",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/courses/static",
)

STAFF = (Role.ADMIN, Role.AUDITOR, Role.OFFICER, Role.SOCIAL_WORKER)
WRITERS = (Role.ADMIN, Role.OFFICER, Role.SOCIAL_WORKER)


def require_manager_page() -> None:
    if not is_manager(staff()):
        abort(404)


def _course_filter() -> CourseFilter:
    return CourseFilter(
        town=request.args.get("town") or None,
        round_id=parse_int(request.args.get("round", "")),
        cursor=request.args.get("cursor") or None,
    )


@bp.get("/courses/export")
@roles_required(*TRAINING_ROLES)
def export() -> ResponseReturnValue:
    """The courses as the list filters them, as CSV or XLSX; audited."""
    return download(export_courses(export_request(), _course_filter()))


@bp.get("/courses")
@roles_required(*TRAINING_ROLES)
def index() -> ResponseReturnValue:
    filters = _course_filter()
    try:
        page = course_page(staff(), filters)
    except InvalidCursor:
        abort(400)
    return render_template(
        "training/courses.html",
        page=page,
        filters=filters.clean(),
        towns=TOWN_NAMES,
        rounds=courses.list_rounds() if staff().does_casework else [],
        today=local_today(),
        state=courses.course_state,
        can_manage=is_manager(staff()),
    )


def _course_form(form: CourseForm) -> None:
    form.round_id.choices = options((r.id, r.name) for r in courses.list_rounds())
    form.partner_id.choices = options((p.id, p.name) for p in list_partners(active_only=True))


def _course_input(form: CourseForm) -> courses.CourseInput:
    return courses.CourseInput(
        round_id=form.round_id.data or 0,
        partner_id=form.partner_id.data or 0,
        title=form.title.data or "",
        trade=form.trade.data or "",
        seats=form.seats.data or 0,
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        location=form.location.data or "",
        town=form.town.data or "",
        apply_by=form.apply_by.data,
        eligible_kinds=list(form.eligible_kinds.data or []),
        min_age=form.min_age.data,
        max_age=form.max_age.data,
        exclude_if_completed=bool(form.exclude_if_completed.data),
        certificate_type=form.certificate_type.data or "",
        min_attendance_pct=form.min_attendance_pct.data or 0,
        exam_required=bool(form.exam_required.data),
    )


@bp.route("/courses/new", methods=["GET", "POST"])
@bp.route("/courses/<int:course_id>/edit", methods=["GET", "POST"])
@roles_required(*WRITERS)
def edit_course(course_id: int | None = None) -> ResponseReturnValue:
    require_manager_page()
    course = None if course_id is None else visible_course(staff(), course_id)
    form = CourseForm(obj=course)
    _course_form(form)
    if form.validate_on_submit():
        with errors_shown_on(form):
            saved = courses.save_course(staff(), course_id, _course_input(form), ip=client_ip())
            flash(_("Saved."), "success")
            return redirect(url_for("courses.course", course_id=saved.id))
    return render_template("training/course_form.html", form=form, course=course)


@bp.get("/courses/<int:course_id>")
@roles_required(*TRAINING_ROLES)
def course(course_id: int) -> ResponseReturnValue:
    user = staff()
    page = course_detail(user, course_id)
    found = page.course
    return render_template(
        "training/course.html",
        course=found,
        state=page.state,
        sessions=page.sessions,
        held=page.held,
        enrolled=page.enrolled,
        session_form=SessionForm(),
        action_form=ActionForm(),
        kinds=KIND_LABELS,
        can_manage=is_manager(user),
        runs_class=runs_the_class(user, found),
        started=courses.session_started,
    )


@bp.post("/courses/<int:course_id>/sessions")
@roles_required(*TRAINING_ROLES)
@redirects_on_domain_error("courses.course")
def add_session(course_id: int) -> ResponseReturnValue:
    courses.schedulable_course(staff(), course_id)
    form = SessionForm()
    if form.validate_on_submit():
        courses.add_session(
            staff(),
            course_id,
            courses.SessionInput(
                form.on_date.data, form.start_time.data, form.end_time.data, form.topic.data or ""
            ),
            ip=client_ip(),
        )
        flash(_("Session added."), "success")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
    return redirect(url_for("courses.course", course_id=course_id))


@bp.post("/courses/sessions/<int:session_id>/delete")
@roles_required(*TRAINING_ROLES)
@redirects_on_domain_error("courses.index")
def remove_session(session_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    course = courses.remove_session(staff(), session_id, ip=client_ip())
    flash(_("Session removed."), "success")
    return redirect(url_for("courses.course", course_id=course.id))


# -- rounds and allocation runs -----------------------------------------------------------


@bp.route("/courses/rounds", methods=["GET", "POST"])
@roles_required(*STAFF)
def rounds() -> ResponseReturnValue:
    form = RoundForm()
    if request.method == "POST":
        require_manager_page()
        if form.validate_on_submit():
            with errors_shown_on(form):
                saved = courses.save_round(staff(), None, form.name.data or "", ip=client_ip())
                flash(_("Saved."), "success")
                return redirect(url_for("courses.training_round", round_id=saved.id))
    return render_template(
        "training/rounds.html",
        rounds=courses.list_rounds(),
        form=form,
        can_manage=is_manager(staff()),
    )


@bp.get("/courses/rounds/<int:round_id>")
@roles_required(*STAFF)
def training_round(round_id: int) -> ResponseReturnValue:
    page = round_detail(staff(), round_id)
    return render_template(
        "training/round.html",
        training_round=page.training_round,
        courses=page.courses,
        runs=page.runs,
        form=ActionForm(),
        can_manage=is_manager(staff()),
    )


@bp.post("/courses/rounds/<int:round_id>/runs")
@roles_required(*WRITERS)
@redirects_on_domain_error("courses.training_round")
def run_allocation(round_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    run = allocation.run_allocation(staff(), round_id, ip=client_ip())
    flash(_("Allocation run: review it before publishing."), "success")
    return redirect(url_for("courses.run", run_id=run.id))


@bp.get("/courses/runs/<int:run_id>")
@roles_required(Role.ADMIN, Role.AUDITOR, Role.OFFICER, Role.SOCIAL_WORKER)
def run(run_id: int) -> ResponseReturnValue:
    user = staff()
    if not (is_manager(user) or user.has_role(Role.AUDITOR)):
        abort(404)
    found = allocation.get_run(user, run_id)
    return render_template(
        "training/run.html",
        run=found,
        rows=allocation.review(found),
        mask_name=mask_name,
        form=ActionForm(),
        can_manage=is_manager(user),
    )


@bp.post("/courses/runs/<int:run_id>/publish")
@roles_required(*WRITERS)
@redirects_on_domain_error("courses.run")
def publish(run_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    published = allocation.publish_run(staff(), run_id, ip=client_ip())
    flash(_("Published: the offices have their tasks to tell each person."), "success")
    return redirect(url_for("courses.run", run_id=published.id))
