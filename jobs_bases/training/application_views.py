"""Staff pages of applications, offers, enrolments, certificates and follow-ups."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core.export import download
from core.orgs import all_offices
from core.paging import InvalidCursor
from core.params import parse_int
from core.privacy import mask_name
from core.towns import TOWN_NAMES
from core.users import Role, visible_office_ids
from core.web import (
    client_ip,
    errors_shown_on,
    export_request,
    redirects_on_domain_error,
    roles_required,
    staff,
)
from jobs_bases.consent.models import SharedField
from jobs_bases.training import applications, certificates, offers, outcomes
from jobs_bases.training.courses import list_rounds
from jobs_bases.training.details import application_detail
from jobs_bases.training.exports import STATUS_LABELS, export_applications
from jobs_bases.training.forms import (
    AcceptForm,
    ApplicationForm,
    OutcomeForm,
    WithdrawForm,
    options,
)
from jobs_bases.training.notify import answer_by
from jobs_bases.training.queries import (
    ApplicationFilter,
    applicable_people,
    application_page,
    open_rounds_and_courses,
)

bp = Blueprint("course_applications", __name__, template_folder="templates")

CASEWORK = (Role.ADMIN, Role.AUDITOR, Role.OFFICER, Role.SOCIAL_WORKER)
WRITERS = (Role.ADMIN, Role.OFFICER, Role.SOCIAL_WORKER)


def _offices() -> list[tuple[int, str]]:
    visible = visible_office_ids(staff())
    return [(o.id, o.name) for o in all_offices() if visible is None or o.id in visible]


def _application_filter() -> ApplicationFilter:
    return ApplicationFilter(
        round_id=parse_int(request.args.get("round", "")),
        office_id=parse_int(request.args.get("office", "")),
        town=request.args.get("town") or None,
        status=request.args.get("status") or None,
        cursor=request.args.get("cursor") or None,
    )


@bp.get("/courses/applications/export")
@roles_required(*CASEWORK)
def export() -> ResponseReturnValue:
    """The applications as the list filters them, as CSV or XLSX; audited."""
    return download(export_applications(export_request(), _application_filter()))


@bp.get("/courses/applications")
@roles_required(*CASEWORK)
def index() -> ResponseReturnValue:
    filters = _application_filter()
    try:
        page = application_page(staff(), filters)
    except InvalidCursor:
        abort(400)
    return render_template(
        "training/applications.html",
        page=page,
        filters=filters.clean(),
        offices=_offices(),
        towns=TOWN_NAMES,
        rounds=list_rounds(),
        statuses=STATUS_LABELS,
        mask_name=mask_name,
    )


def _application_choices(form: ApplicationForm) -> None:
    people = applicable_people(staff())
    form.person_id.choices = options(
        (p.id, f"{mask_name(p.name)} · #{p.id} · {p.town}") for p in people
    )
    rounds, courses = open_rounds_and_courses()
    form.round_id.choices = options((r.id, r.name) for r in rounds)
    for field in form.choice_fields():
        field.choices = options(
            [(0, "—")]
            + [(c.id, f"{c.title} · {c.town} · {c.starts_on.isoformat()}") for c in courses]
        )


@bp.route("/courses/applications/new", methods=["GET", "POST"])
@roles_required(*WRITERS)
def new() -> ResponseReturnValue:
    form = ApplicationForm()
    _application_choices(form)
    if request.method == "GET":
        form.person_id.data = parse_int(request.args.get("person", ""))
    if form.validate_on_submit():
        with errors_shown_on(form):
            saved = applications.apply(
                staff(),
                applications.ApplicationInput(
                    person_id=form.person_id.data or 0,
                    round_id=form.round_id.data or 0,
                    course_ids=form.ranked_course_ids(),
                    note=form.note.data or "",
                ),
                ip=client_ip(),
            )
            flash(_("Application entered."), "success")
            return redirect(url_for("course_applications.detail", application_id=saved.id))
    return render_template("training/application_form.html", form=form)


@bp.get("/courses/applications/<int:application_id>")
@roles_required(*CASEWORK)
def detail(application_id: int) -> ResponseReturnValue:
    application = applications.view_application(staff(), application_id, ip=client_ip())
    return render_template(
        "training/application.html",
        page=application_detail(application),
        statuses=STATUS_LABELS,
        mask_name=mask_name,
        answer_by=answer_by,
        accept_form=AcceptForm(),
        withdraw_form=WithdrawForm(),
        outcome_form=OutcomeForm(),
        can_write=staff().may_write_casework,
        may_reveal=staff().may_reveal,
    )


def _back(application_id: int) -> ResponseReturnValue:
    return redirect(url_for("course_applications.detail", application_id=application_id))


@bp.post("/courses/applications/<int:application_id>/withdraw")
@roles_required(*WRITERS)
@redirects_on_domain_error("course_applications.detail")
def withdraw(application_id: int) -> ResponseReturnValue:
    form = WithdrawForm()
    if not form.validate_on_submit():
        abort(400)
    applications.withdraw_application(
        staff(), application_id, form.reason.data or "", ip=client_ip()
    )
    flash(_("The application is withdrawn; its seats go to the waitlists."), "success")
    return _back(application_id)


@bp.post("/courses/offers/<int:offer_id>/accept")
@roles_required(*WRITERS)
@redirects_on_domain_error("course_applications.index")
def accept(offer_id: int) -> ResponseReturnValue:
    form = AcceptForm()
    if not form.validate_on_submit():
        abort(400)
    shared = [SharedField.NAME] if form.share_name.data else []
    shared += [SharedField.PHONE] if form.share_phone.data else []
    enrolment = offers.accept_offer(staff(), offer_id, shared, ip=client_ip())
    flash(_("Accepted: the person is enrolled."), "success")
    return _back(enrolment.application_id)


@bp.post("/courses/offers/<int:offer_id>/decline")
@roles_required(*WRITERS)
@redirects_on_domain_error("course_applications.index")
def decline(offer_id: int) -> ResponseReturnValue:
    form = WithdrawForm()
    if not form.validate_on_submit():
        abort(400)
    offer = offers.decline_offer(staff(), offer_id, ip=client_ip())
    flash(_("Declined: the seat goes to the waitlist."), "success")
    return _back(offer.application_id)


@bp.post("/courses/enrolments/<int:enrolment_id>/withdraw")
@roles_required(*WRITERS)
@redirects_on_domain_error("course_applications.index")
def withdraw_enrolment(enrolment_id: int) -> ResponseReturnValue:
    if not WithdrawForm().validate_on_submit():
        abort(400)
    enrolment = offers.withdraw_enrolment(staff(), enrolment_id, ip=client_ip())
    flash(_("The trainee is withdrawn from the course."), "success")
    return _back(enrolment.application_id)


@bp.post("/courses/enrolments/<int:enrolment_id>/outcomes")
@roles_required(*WRITERS)
@redirects_on_domain_error("course_applications.index")
def record_outcome(enrolment_id: int) -> ResponseReturnValue:
    form = OutcomeForm()
    if not form.validate_on_submit():
        flash(_("Choose whether the person works."), "error")
        return redirect(request.referrer or url_for("course_applications.index"))
    outcome = outcomes.record_outcome(
        staff(),
        enrolment_id,
        int(form.months.data or 0),
        form.employed.data == "yes",
        form.note.data or "",
        ip=client_ip(),
    )
    flash(_("Follow-up recorded."), "success")
    return _back(outcome.enrolment.application_id)


@bp.get("/courses/enrolments/<int:enrolment_id>/certificate.<fmt>")
@roles_required(*CASEWORK)
def certificate(enrolment_id: int, fmt: str) -> ResponseReturnValue:
    if fmt not in ("png", "pdf"):
        abort(404)
    text, body = certificates.download_certificate(staff(), enrolment_id, fmt, ip=client_ip())
    mimetype = "image/png" if fmt == "png" else "application/pdf"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{text.number}.{fmt}"'
    return response
