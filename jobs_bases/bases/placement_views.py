"""Staff and base-contact pages of placements and their sessions (under /bases/placements)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from core.db import db
from core.export import download
from core.forms import ReasonForm
from core.orgs import all_offices
from core.params import parse_int
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
from jobs_bases.bases.exports import export_placements
from jobs_bases.bases.forms import ConsentForm, EndForm, PlacementForm, SessionForm
from jobs_bases.bases.hours import SessionInput, approve_session, decline_session, log_session
from jobs_bases.bases.models import Base, PlacementStatus
from jobs_bases.bases.placements import (
    PlacementInput,
    end_placement,
    get_placement,
    place_person,
    shown_person,
    subject_of,
    view_placement,
)
from jobs_bases.bases.queries import (
    PlacementFilter,
    idle_placements,
    office_hours,
    placement_hours,
    placement_page,
    sessions_of,
)
from jobs_bases.consent.services import live_consent, record_consent, withdraw_consent
from jobs_bases.consent_forms import shares_from
from jobs_bases.views_common import BASE_READERS, STAFF_READERS, STAFF_WRITERS, choice, options

bp = Blueprint("placements", __name__, template_folder="templates", url_prefix="/bases")

STATUSES = (PlacementStatus.ACTIVE.value, PlacementStatus.ENDED.value)


def _placement_filter() -> PlacementFilter:
    return PlacementFilter(
        town=choice(request.args.get("town"), TOWN_NAMES),
        office_id=parse_int(request.args.get("office", "")),
        status=choice(request.args.get("status"), STATUSES),
        pending_hours=request.args.get("pending") == "hours",
    )


@bp.get("/placements/export")
@roles_required(*BASE_READERS)
def export() -> ResponseReturnValue:
    """The placements as the list filters them, as CSV or XLSX; audited."""
    return download(export_placements(export_request(), _placement_filter()))


@bp.route("/placements")
@roles_required(*BASE_READERS)
def index() -> ResponseReturnValue:
    user = staff()
    filters = _placement_filter()
    page = placement_page(user, filters, request.args.get("cursor"))
    return render_template(
        "bases/placements.html",
        page=page,
        filters=filters,
        towns=TOWN_NAMES,
        offices=[] if user.has_role(Role.BASE_CONTACT) else all_offices(),
        shown={p.id: shown_person(user, p) for p in page.items},
    )


@bp.route("/activity")
@roles_required(*STAFF_READERS)
def activity() -> ResponseReturnValue:
    user = staff()
    office_id = parse_int(request.args.get("office", ""))
    idle = idle_placements(user, office_id)
    offices = {office.id: office for office in all_offices()}
    return render_template(
        "bases/activity.html",
        idle=idle,
        shown={p.id: shown_person(user, p) for p in idle},
        per_office=sorted(office_hours(user).items()),
        offices=offices,
        office_id=office_id,
    )


def _active_bases() -> list[tuple[int, str]]:
    bases = db.session.scalars(
        select(Base).where(Base.retired_at.is_(None)).order_by(Base.town, Base.name)
    )
    return [(b.id, f"{b.name} · {b.town}") for b in bases]


@bp.route("/placements/new", methods=["GET", "POST"])
@roles_required(*STAFF_WRITERS)
def new() -> ResponseReturnValue:
    form = PlacementForm()
    form.base_id.choices = options(_active_bases())
    if request.method == "GET":
        form.person_id.data = request.args.get("person", "")
        form.base_id.data = parse_int(request.args.get("base", "")) or None
    if form.validate_on_submit():
        with errors_shown_on(form):
            placement = place_person(
                staff(),
                PlacementInput(
                    person_id=parse_int(form.person_id.data or "") or 0,
                    base_id=form.base_id.data or 0,
                    starts_on=form.starts_on.data,
                    ends_on=form.ends_on.data,
                    note=form.note.data or "",
                    shares=shares_from(form),
                ),
                ip=client_ip(),
            )
            flash(_("The person is placed."), "success")
            return redirect(url_for("placements.detail", placement_id=placement.id))
    return render_template("bases/placement_form.html", form=form)


def _session_form(activities: list[str]) -> SessionForm:
    form = SessionForm(prefix="session")
    form.activity.choices = options((a, a) for a in activities)
    return form


@bp.route("/placements/<int:placement_id>")
@roles_required(*BASE_READERS)
def detail(placement_id: int) -> ResponseReturnValue:
    user = staff()
    placement = view_placement(user, placement_id, ip=client_ip())
    consent = None if user.has_role(Role.BASE_CONTACT) else live_consent(subject_of(placement))
    return render_template(
        "bases/placement.html",
        placement=placement,
        shown=shown_person(user, placement),
        sessions=sessions_of(placement),
        hours=placement_hours(placement),
        session_form=_session_form(placement.base.activities),
        decline_form=ReasonForm(prefix="decline"),
        end_form=EndForm(prefix="end"),
        consent=consent,
        consent_form=ConsentForm(prefix="consent", obj=consent),
        may_decide=user.may_write_casework or user.has_role(Role.BASE_CONTACT),
    )


@bp.route("/placements/<int:placement_id>/sessions", methods=["POST"])
@roles_required(*STAFF_WRITERS, Role.BASE_CONTACT)
@redirects_on_domain_error("placements.detail")
def log(placement_id: int) -> ResponseReturnValue:
    placement = get_placement(staff(), placement_id)
    form = _session_form(placement.base.activities)
    if form.validate_on_submit():
        log_session(
            staff(),
            placement_id,
            SessionInput(
                on_date=form.on_date.data,
                start_time=form.start_time.data,
                end_time=form.end_time.data,
                activity=form.activity.data or "",
                note=form.note.data or "",
            ),
            ip=client_ip(),
        )
        flash(_("The session is logged and waits for approval."), "success")
    else:
        _flash_errors(form)
    return redirect(url_for("placements.detail", placement_id=placement_id))


def _flash_errors(form: object) -> None:
    for errors in getattr(form, "errors", {}).values():
        for message in errors:
            flash(str(message), "error")


@bp.route("/sessions/<int:session_id>/approve", methods=["POST"])
@roles_required(*STAFF_WRITERS, Role.BASE_CONTACT)
@redirects_on_domain_error("placements.index")
def approve(session_id: int) -> ResponseReturnValue:
    session = approve_session(staff(), session_id, ip=client_ip())
    flash(_("Hours approved."), "success")
    return redirect(url_for("placements.detail", placement_id=session.placement_id))


@bp.route("/sessions/<int:session_id>/decline", methods=["POST"])
@roles_required(*STAFF_WRITERS, Role.BASE_CONTACT)
@redirects_on_domain_error("placements.index")
def decline(session_id: int) -> ResponseReturnValue:
    form = ReasonForm(prefix="decline")
    reason = form.reason.data or "" if form.validate_on_submit() else ""
    session = decline_session(staff(), session_id, reason, ip=client_ip())
    flash(_("Hours declined; the session stays on the record."), "success")
    return redirect(url_for("placements.detail", placement_id=session.placement_id))


@bp.route("/placements/<int:placement_id>/end", methods=["POST"])
@roles_required(*STAFF_WRITERS)
@redirects_on_domain_error("placements.detail")
def end(placement_id: int) -> ResponseReturnValue:
    form = EndForm(prefix="end")
    if form.validate_on_submit():
        end_placement(staff(), placement_id, form.ended_on.data, ip=client_ip())
        flash(_("The placement has ended."), "success")
    else:
        _flash_errors(form)
    return redirect(url_for("placements.detail", placement_id=placement_id))


@bp.route("/placements/<int:placement_id>/consent", methods=["POST"])
@roles_required(*STAFF_WRITERS)
@redirects_on_domain_error("placements.detail")
def consent(placement_id: int) -> ResponseReturnValue:
    placement = get_placement(staff(), placement_id)
    form = ConsentForm(prefix="consent")
    if form.validate_on_submit():
        record_consent(
            staff(), placement.person_id, subject_of(placement), shares_from(form), ip=client_ip()
        )
        flash(_("Consent recorded."), "success")
    return redirect(url_for("placements.detail", placement_id=placement_id))


@bp.route("/placements/<int:placement_id>/consent/withdraw", methods=["POST"])
@roles_required(*STAFF_WRITERS)
@redirects_on_domain_error("placements.detail")
def withdraw(placement_id: int) -> ResponseReturnValue:
    placement = get_placement(staff(), placement_id)
    form = ReasonForm(prefix="withdraw")
    reason = (form.reason.data or "") if form.validate_on_submit() else ""
    withdraw_consent(staff(), placement.person_id, subject_of(placement), reason, ip=client_ip())
    flash(_("Consent withdrawn: the base no longer sees who this is."), "success")
    return redirect(url_for("placements.detail", placement_id=placement_id))
