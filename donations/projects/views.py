"""Staff pages of projects: the list, the form, one project with its needs on the map, pools."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import func, select

from core.db import db
from core.errors import DomainError
from core.forms import ActionForm
from core.money import MoneyError, parse_yuan
from core.needs.models import Need, NeedStatus
from core.users import Role
from core.web import roles_required, show_error, staff
from donations.ledger.models import JournalEntry, JournalLine
from donations.ledger.services import fund_balance_fen, pool_account
from donations.projects.forms import ListingForm, ProjectForm
from donations.projects.models import NeedListing, Pool, Project, ProjectStatus
from donations.projects.services import (
    EDITORS,
    ProjectInput,
    list_need_on_project,
    save_project,
    set_project_status,
    totals,
)

bp = Blueprint("projects", __name__, template_folder="templates")


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
        "projects/projects.html",
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
                return redirect(url_for("projects.project", project_id=saved.id))
    return render_template("projects/project_form.html", form=form, project=project)


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
                return redirect(url_for("projects.project", project_id=item.id))
    return render_template(
        "projects/project.html",
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
    return redirect(url_for("projects.project", project_id=project_id))


@bp.route("/pools")
@roles_required(Role.ADMIN, Role.AUDITOR, Role.FINANCE, Role.OFFICER, Role.SOCIAL_WORKER)
def pools() -> ResponseReturnValue:
    rows = [
        (pool, fund_balance_fen(pool_account(pool)))
        for pool in db.session.scalars(select(Pool).order_by(Pool.id))
    ]
    history = {}
    for pool, _balance in rows:
        account = pool_account(pool)
        # SUM of a BIGINT is NUMERIC on PostgreSQL: back to int fen for the yuan filter.
        history[pool.id] = [
            (posted_at, kind, memo, int(amount))
            for posted_at, kind, memo, amount in db.session.execute(
                select(
                    JournalEntry.posted_at,
                    JournalEntry.kind,
                    JournalEntry.memo,
                    func.sum(JournalLine.amount_fen),
                )
                .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
                .where(JournalLine.account_id == account.id)
                .group_by(
                    JournalEntry.id, JournalEntry.posted_at, JournalEntry.kind, JournalEntry.memo
                )
                .order_by(JournalEntry.id.desc())
                .limit(30)
            )
        ]
    db.session.commit()  # accounts opened on first view
    return render_template("projects/pools.html", rows=rows, history=history)
