"""Staff pages for projects, the message moderation queue, receipt requests and CSV export."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from core import audit
from core.db import db
from core.errors import DomainError
from core.money import MoneyError, parse_yuan
from core.needs.models import Need, NeedStatus
from core.timeutil import to_local
from core.users import Role
from core.web import actor, roles_required, show_error, staff
from donations.forms import ActionForm, IssueForm, ListingForm, ProjectForm
from donations.models import NeedListing, Project, ProjectStatus
from donations.moderation import MODERATORS, moderate_message, review_queue
from donations.projects import (
    EDITORS,
    ProjectInput,
    list_need_on_project,
    save_project,
    set_project_status,
    totals,
)
from donations.receipt_requests import mark_issued, pending_receipts
from donations.reports import DonationFilter, list_donations

bp = Blueprint("donor_staff", __name__, template_folder="templates")
READERS = (*EDITORS, Role.AUDITOR)


def _project_input(form: ProjectForm) -> ProjectInput | None:
    amounts = {}
    for name in ("goal", "min_yuan", "max_yuan", "daily_max_yuan"):
        field = getattr(form, name)
        try:
            amounts[name] = parse_yuan(field.data or "")
        except MoneyError:
            field.errors = [_("Enter an amount in yuan, e.g. 1200 or 1200.50.")]
    if len(amounts) < 4:
        return None
    return ProjectInput(
        title=form.title.data or "",
        summary=form.summary.data or "",
        charity_name=form.charity_name.data or "",
        fundraising_reg_no=form.fundraising_reg_no.data or "",
        lat=float(form.lat.data or 0),
        lng=float(form.lng.data or 0),
        goal_fen=amounts["goal"],
        starts_on=form.starts_on.data or date.today(),  # noqa: DTZ011 - validated as required
        ends_on=form.ends_on.data or date.today(),  # noqa: DTZ011
        min_fen=amounts["min_yuan"],
        max_fen=amounts["max_yuan"],
        daily_max_fen=amounts["daily_max_yuan"],
        daily_max_count=form.daily_max_count.data or 1,
    )


@bp.route("/projects")
@roles_required(*READERS)
def projects() -> ResponseReturnValue:
    items = list(db.session.scalars(select(Project).order_by(Project.created_at.desc())))
    return render_template(
        "donations/projects.html",
        items=items,
        money=totals([p.id for p in items]),
        can_edit=staff().has_role(*EDITORS),
    )


@bp.route("/projects/new", methods=["GET", "POST"])
@bp.route("/projects/<project_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_project(project_id: str | None = None) -> ResponseReturnValue:
    project = db.session.get(Project, project_id) if project_id else None
    if project_id and project is None:
        abort(404)
    form = ProjectForm(obj=project)
    if project is not None and request.method == "GET":
        form.goal.data = f"{project.goal_fen / 100:.2f}"
        form.min_yuan.data = f"{project.min_fen / 100:.2f}"
        form.max_yuan.data = f"{project.max_fen / 100:.2f}"
        form.daily_max_yuan.data = f"{project.daily_max_fen / 100:.2f}"
    if form.validate_on_submit():
        data = _project_input(form)
        if data is not None:
            try:
                saved = save_project(staff(), data, project_id)
            except DomainError as error:
                db.session.rollback()
                show_error(form, error)
            else:
                flash(_("Saved."), "success")
                return redirect(url_for("donor_staff.project", project_id=saved.id))
    return render_template("donations/project_form.html", form=form, project=project)


@bp.route("/projects/<project_id>", methods=["GET", "POST"])
@roles_required(*READERS)
def project(project_id: str) -> ResponseReturnValue:
    item = db.session.get(Project, project_id)
    if item is None:
        abort(404)
    listed = list(db.session.scalars(select(NeedListing).where(NeedListing.project_id == item.id)))
    form = ListingForm()
    unlisted = db.session.scalars(
        select(Need)
        .where(Need.status == NeedStatus.PUBLISHED, Need.id.not_in(select(NeedListing.need_id)))
        .order_by(Need.id)
    ).all()
    form.need_id.choices = [(n.id, f"#{n.id} {n.alias} · {n.category}") for n in unlisted]
    if request.method == "POST":
        if not staff().has_role(*EDITORS):
            abort(404)
        if form.validate_on_submit():
            try:
                list_need_on_project(staff(), form.need_id.data or 0, item.id)
            except DomainError as error:
                db.session.rollback()
                show_error(form, error)
            else:
                flash(_("The need is on the map."), "success")
                return redirect(url_for("donor_staff.project", project_id=item.id))
    return render_template(
        "donations/project.html",
        project=item,
        listed=listed,
        form=form,
        action_form=ActionForm(),
        money=totals([item.id])[item.id],
        can_edit=staff().has_role(*EDITORS),
    )


@bp.route("/projects/<project_id>/status/<status>", methods=["POST"])
@roles_required(*EDITORS)
def project_status(project_id: str, status: str) -> ResponseReturnValue:
    if status not in ("active", "closed") or not ActionForm().validate_on_submit():
        abort(400)
    try:
        set_project_status(staff(), project_id, ProjectStatus(status))
    except DomainError as error:
        db.session.rollback()
        show_error(None, error)
    else:
        flash(
            _("Published on the map.") if status == "active" else _("The project is closed."),
            "success",
        )
    return redirect(url_for("donor_staff.project", project_id=project_id))


@bp.route("/moderation/messages", methods=["GET", "POST"])
@roles_required(*MODERATORS)
def moderation() -> ResponseReturnValue:
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        approve = request.form.get("decision") == "show"
        try:
            moderate_message(staff(), request.form.get("donation_id", ""), approve)
        except DomainError as error:
            db.session.rollback()
            show_error(None, error)
        else:
            flash(_("The message is shown.") if approve else _("The message is hidden."), "success")
        return redirect(url_for("donor_staff.moderation"))
    return render_template("donations/moderation.html", items=review_queue(), form=form)


@bp.route("/finance/receipts", methods=["GET", "POST"])
@roles_required(Role.FINANCE, Role.ADMIN, Role.AUDITOR)
def receipts() -> ResponseReturnValue:
    form = IssueForm()
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                mark_issued(staff(), request.form.get("receipt_id", ""), form.receipt_no.data or "")
            except DomainError as error:
                db.session.rollback()
                show_error(None, error)
            else:
                flash(_("Marked as issued."), "success")
        else:
            flash(_("The receipt number is required."), "error")
        return redirect(url_for("donor_staff.receipts"))
    return render_template(
        "donations/receipts.html",
        items=pending_receipts(),
        form=form,
        can_issue=staff().has_role(Role.FINANCE),
    )


@bp.route("/donations.csv")
@roles_required(Role.FINANCE, Role.ADMIN, Role.AUDITOR)
def donations_csv() -> ResponseReturnValue:
    filters = DonationFilter(
        status=request.args.get("status") or None,
        q=request.args.get("q", "").strip()[:64],
        per_page=100_000,
    )
    items, total = list_donations(filters)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "donation_id",
            "created_at",
            "paid_at",
            "project",
            "need_alias",
            "amount_fen",
            "to_need_fen",
            "to_pool_fen",
            "refunded_fen",
            "status",
            "anonymous",
            "certificate_no",
        ]
    )
    for d in items:
        writer.writerow(
            [
                d.id,
                to_local(d.created_at).isoformat(),
                to_local(d.paid_at).isoformat() if d.paid_at else "",
                d.project.title,
                d.listing.need.alias if d.listing else "",
                d.amount_fen,
                d.to_need_fen,
                d.to_pool_fen,
                d.refunded_fen,
                d.status,
                d.anonymous,
                d.certificate_no or "",
            ]
        )
    audit.record(
        actor(),
        "donation.export",
        "donation",
        None,
        count=total,
        filters={k: v for k, v in request.args.items()},
    )
    db.session.commit()
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=donations.csv"},
    )
