"""Staff pages of jobs: openings, employers, referrals and their outcomes (under /jobs)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from core.db import db
from core.export import download
from core.forms import ReasonForm
from core.orgs import all_offices
from core.params import parse_int
from core.privacy import mask_name
from core.towns import TOWN_NAMES
from core.web import (
    client_ip,
    errors_shown_on,
    export_request,
    redirects_on_domain_error,
    roles_required,
    staff,
)
from jobs_bases.bases.models import Base, BaseKind
from jobs_bases.consent.services import live_consent, record_consent, withdraw_consent
from jobs_bases.consent_forms import shares_from
from jobs_bases.jobs.employers import (
    EmployerInput,
    OpeningInput,
    get_employer,
    get_opening,
    hired_count,
    list_employers,
    save_employer,
    save_opening,
)
from jobs_bases.jobs.exports import export_employers, export_openings, export_referrals
from jobs_bases.jobs.forms import (
    STATUS_LABELS,
    ConsentForm,
    EmployerForm,
    FollowUpForm,
    OpeningForm,
    OutcomeForm,
    ReferralForm,
)
from jobs_bases.jobs.models import Opening, OpeningStatus
from jobs_bases.jobs.queries import (
    OpeningFilter,
    ReferralFilter,
    follow_ups_of,
    opening_page,
    referral_page,
)
from jobs_bases.jobs.referrals import (
    ReferralInput,
    get_referral,
    record_follow_up,
    record_outcome,
    refer_person,
    referral_sheet,
    subject_of,
)
from jobs_bases.views_common import STAFF_READERS, STAFF_WRITERS, choice, options

bp = Blueprint("jobs", __name__, template_folder="templates", url_prefix="/jobs")


def _opening_filter() -> OpeningFilter:
    return OpeningFilter(
        town=choice(request.args.get("town"), TOWN_NAMES),
        status=choice(request.args.get("status"), tuple(OpeningStatus)),
    )


@bp.route("")
@roles_required(*STAFF_READERS)
def index() -> ResponseReturnValue:
    filters = _opening_filter()
    page = opening_page(filters, request.args.get("cursor"))
    return render_template("jobs/openings.html", page=page, filters=filters, towns=TOWN_NAMES)


@bp.get("/export")
@roles_required(*STAFF_READERS)
def export() -> ResponseReturnValue:
    """The openings as the list filters them, as CSV or XLSX; audited."""
    return download(export_openings(export_request(), _opening_filter()))


# -- employers and openings -------------------------------------------------------------------


@bp.route("/employers")
@roles_required(*STAFF_READERS)
def employers() -> ResponseReturnValue:
    return render_template("jobs/employers.html", employers=list_employers())


@bp.get("/employers/export")
@roles_required(*STAFF_READERS)
def export_employer_list() -> ResponseReturnValue:
    """Every employer as CSV or XLSX; audited."""
    return download(export_employers(export_request(filtered=False)))


@bp.route("/employers/new", methods=["GET", "POST"])
@bp.route("/employers/<int:employer_id>", methods=["GET", "POST"])
@roles_required(*STAFF_WRITERS)
def edit_employer(employer_id: int | None = None) -> ResponseReturnValue:
    employer = None if employer_id is None else get_employer(employer_id)
    form = EmployerForm(obj=employer)
    if form.validate_on_submit():
        with errors_shown_on(form):
            save_employer(
                staff(),
                employer_id,
                EmployerInput(
                    name=form.name.data or "",
                    town=form.town.data or "",
                    address=form.address.data or "",
                    contact_name=form.contact_name.data or "",
                    contact_phone=form.contact_phone.data or "",
                    active=bool(form.active.data),
                ),
                ip=client_ip(),
            )
            flash(_("Saved."), "success")
            return redirect(url_for("jobs.employers"))
    return render_template("jobs/employer_form.html", form=form, employer=employer)


def _opening_form(opening: Opening | None) -> OpeningForm:
    form = OpeningForm(obj=opening)
    form.employer_id.choices = options((e.id, e.name) for e in list_employers(active_only=True))
    bases = db.session.scalars(
        select(Base)
        .where(Base.kind == BaseKind.EMPLOYMENT, Base.retired_at.is_(None))
        .order_by(Base.name)
    )
    form.base_id.choices = options([(0, "—"), *((b.id, b.name) for b in bases)])
    if request.method == "GET" and opening is not None:
        form.wage_min.data = f"{opening.wage_min_fen / 100:.2f}"
        form.wage_max.data = f"{opening.wage_max_fen / 100:.2f}"
        form.base_id.data = opening.base_id or 0
    return form


@bp.route("/openings/new", methods=["GET", "POST"])
@bp.route("/openings/<int:opening_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF_WRITERS)
def edit_opening(opening_id: int | None = None) -> ResponseReturnValue:
    opening = None if opening_id is None else get_opening(opening_id)
    form = _opening_form(opening)
    if form.validate_on_submit():
        with errors_shown_on(form):
            saved = save_opening(
                staff(),
                opening_id,
                OpeningInput(
                    employer_id=form.employer_id.data or 0,
                    title=form.title.data or "",
                    seats=form.seats.data or 0,
                    wage_min_fen=form.wage_min.data_fen or 0,
                    wage_max_fen=form.wage_max.data_fen or 0,
                    town=form.town.data or "",
                    requirements=form.requirements.data or "",
                    base_id=form.base_id.data or None,
                    status=form.status.data or "",
                ),
                ip=client_ip(),
            )
            flash(_("Saved."), "success")
            return redirect(url_for("jobs.opening", opening_id=saved.id))
    return render_template("jobs/opening_form.html", form=form, opening=opening)


@bp.route("/openings/<int:opening_id>")
@roles_required(*STAFF_READERS)
def opening(opening_id: int) -> ResponseReturnValue:
    found = get_opening(opening_id)
    page = referral_page(staff(), ReferralFilter(opening_id=found.id), request.args.get("cursor"))
    return render_template(
        "jobs/opening.html",
        opening=found,
        hired=hired_count(found.id),
        page=page,
        statuses=STATUS_LABELS,
        mask_name=mask_name,
    )


# -- referrals --------------------------------------------------------------------------------


def _referral_filter() -> ReferralFilter:
    return ReferralFilter(
        town=choice(request.args.get("town"), TOWN_NAMES),
        office_id=parse_int(request.args.get("office", "")),
        status=choice(request.args.get("status"), STATUS_LABELS),
    )


@bp.get("/referrals/export")
@roles_required(*STAFF_READERS)
def export_referral_list() -> ResponseReturnValue:
    """The referrals as the list filters them, as CSV or XLSX; audited."""
    return download(export_referrals(export_request(), _referral_filter()))


@bp.route("/referrals")
@roles_required(*STAFF_READERS)
def referrals() -> ResponseReturnValue:
    filters = _referral_filter()
    page = referral_page(staff(), filters, request.args.get("cursor"))
    return render_template(
        "jobs/referrals.html",
        page=page,
        filters=filters,
        towns=TOWN_NAMES,
        offices=all_offices(),
        statuses=STATUS_LABELS,
        mask_name=mask_name,
    )


@bp.route("/referrals/new", methods=["GET", "POST"])
@roles_required(*STAFF_WRITERS)
def new_referral() -> ResponseReturnValue:
    form = ReferralForm()
    openings = db.session.scalars(
        select(Opening)
        .where(Opening.status == OpeningStatus.OPEN)
        .order_by(Opening.town, Opening.id)
    )
    form.opening_id.choices = options(
        (o.id, f"{o.title} · {o.employer.name} · {o.town}") for o in openings
    )
    if request.method == "GET":
        form.person_id.data = request.args.get("person", "")
        form.opening_id.data = parse_int(request.args.get("opening", "")) or None
    if form.validate_on_submit():
        with errors_shown_on(form):
            referral = refer_person(
                staff(),
                ReferralInput(
                    person_id=parse_int(form.person_id.data or "") or 0,
                    opening_id=form.opening_id.data or 0,
                    note=form.note.data or "",
                    shares=shares_from(form),
                ),
                ip=client_ip(),
            )
            flash(_("The person is referred."), "success")
            return redirect(url_for("jobs.referral", referral_id=referral.id))
    return render_template("jobs/referral_form.html", form=form)


@bp.route("/referrals/<int:referral_id>")
@roles_required(*STAFF_READERS)
def referral(referral_id: int) -> ResponseReturnValue:
    found = get_referral(staff(), referral_id)
    consent = live_consent(subject_of(found))
    return render_template(
        "jobs/referral.html",
        referral=found,
        name=mask_name(found.person.name),
        statuses=STATUS_LABELS,
        follow_ups=follow_ups_of(found),
        outcome_form=OutcomeForm(prefix="outcome"),
        follow_up_form=FollowUpForm(prefix="follow"),
        consent=consent,
        consent_form=ConsentForm(prefix="consent", obj=consent),
    )


@bp.route("/referrals/<int:referral_id>/sheet")
@roles_required(*STAFF_READERS)
def sheet(referral_id: int) -> ResponseReturnValue:
    return render_template(
        "jobs/sheet.html", sheet=referral_sheet(staff(), referral_id, ip=client_ip())
    )


def _flash_errors(form: object) -> None:
    for errors in getattr(form, "errors", {}).values():
        for message in errors:
            flash(str(message), "error")


@bp.route("/referrals/<int:referral_id>/outcome", methods=["POST"])
@roles_required(*STAFF_WRITERS)
@redirects_on_domain_error("jobs.referral")
def outcome(referral_id: int) -> ResponseReturnValue:
    form = OutcomeForm(prefix="outcome")
    if form.validate_on_submit():
        record_outcome(
            staff(), referral_id, form.outcome.data or "", form.on_date.data, ip=client_ip()
        )
        flash(_("Outcome recorded."), "success")
    else:
        _flash_errors(form)
    return redirect(url_for("jobs.referral", referral_id=referral_id))


@bp.route("/referrals/<int:referral_id>/follow-up", methods=["POST"])
@roles_required(*STAFF_WRITERS)
@redirects_on_domain_error("jobs.referral")
def follow_up(referral_id: int) -> ResponseReturnValue:
    form = FollowUpForm(prefix="follow")
    if form.validate_on_submit():
        record_follow_up(
            staff(),
            referral_id,
            form.months.data or 0,
            form.checked_on.data,
            form.still_employed.data == "yes",
            form.note.data or "",
            ip=client_ip(),
        )
        flash(_("Follow-up recorded."), "success")
    else:
        _flash_errors(form)
    return redirect(url_for("jobs.referral", referral_id=referral_id))


@bp.route("/referrals/<int:referral_id>/consent", methods=["POST"])
@roles_required(*STAFF_WRITERS)
@redirects_on_domain_error("jobs.referral")
def consent(referral_id: int) -> ResponseReturnValue:
    found = get_referral(staff(), referral_id)
    form = ConsentForm(prefix="consent")
    if not form.validate_on_submit():
        abort(400)
    record_consent(staff(), found.person_id, subject_of(found), shares_from(form), ip=client_ip())
    flash(_("Consent recorded."), "success")
    return redirect(url_for("jobs.referral", referral_id=referral_id))


@bp.route("/referrals/<int:referral_id>/consent/withdraw", methods=["POST"])
@roles_required(*STAFF_WRITERS)
@redirects_on_domain_error("jobs.referral")
def withdraw(referral_id: int) -> ResponseReturnValue:
    found = get_referral(staff(), referral_id)
    form = ReasonForm(prefix="withdraw")
    reason = (form.reason.data or "") if form.validate_on_submit() else ""
    withdraw_consent(staff(), found.person_id, subject_of(found), reason, ip=client_ip())
    flash(_("Consent withdrawn: the employer is told nothing more about this person."), "success")
    return redirect(url_for("jobs.referral", referral_id=referral_id))
