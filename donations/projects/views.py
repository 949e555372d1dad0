"""Staff pages of projects: the list, the form, one project with its needs on the map, pools."""

from __future__ import annotations

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

from core.bulk import MAX_ITEMS, parse_ids
from core.db import db
from core.export import download
from core.forms import ActionForm
from core.listing import requested_page
from core.money import fen_to_yuan_str
from core.needs.labels import CATEGORY_LABELS
from core.timeutil import local_today
from core.towns import km_from_centre, nearest_town
from core.users import Role
from core.web import (
    errors_shown_on,
    export_request,
    flash_outcomes,
    redirects_on_domain_error,
    roles_required,
    staff,
)
from donations.projects.exports import export_pool_history, export_pools, export_projects
from donations.projects.forms import BulkListingForm, ListingForm, ProjectForm
from donations.projects.models import Project, ProjectStatus
from donations.projects.queries import ProjectPage, pool_summaries, project_listing, project_page
from donations.projects.services import (
    EDITORS,
    MAX_KM_FROM_TOWN,
    ProjectInput,
    list_need_on_project,
    list_needs_on_project,
    save_project,
    set_project_status,
)

bp = Blueprint("projects", __name__, template_folder="templates")


READERS = (*EDITORS, Role.AUDITOR)
AT_CENTRE_KM = 0.01


def _project_input(form: ProjectForm) -> ProjectInput:
    # The form validated: every date and amount is there (dates required, yuan parsed).
    return ProjectInput(
        title=form.title.data or "",
        summary=form.summary.data or "",
        charity_name=form.charity_name.data or "",
        fundraising_reg_no=form.fundraising_reg_no.data or "",
        town=form.town.data or None,
        lat=float(form.lat.data) if form.lat.data is not None else None,
        lng=float(form.lng.data) if form.lng.data is not None else None,
        goal_fen=form.goal.data_fen or 0,
        starts_on=form.starts_on.data or local_today(),
        ends_on=form.ends_on.data or local_today(),
        min_fen=form.min_yuan.data_fen or 0,
        max_fen=form.max_yuan.data_fen or 0,
        daily_max_fen=form.daily_max_yuan.data_fen or 0,
        daily_max_count=form.daily_max_count.data or 1,
    )


@bp.route("/projects")
@roles_required(*READERS)
def projects() -> ResponseReturnValue:
    listing = project_listing(requested_page(request.args, per_page_arg=True))
    return render_template(
        "projects/projects.html",
        listing=listing,
        rows=listing.items,
        can_edit=staff().has_role(*EDITORS),
    )


@bp.get("/projects/export")
@roles_required(*READERS)
def export() -> ResponseReturnValue:
    """Every project as CSV or XLSX, as the page lists them; audited."""
    return download(export_projects(export_request(filtered=False)))


@bp.route("/projects/new", methods=["GET", "POST"])
@bp.route("/projects/<project_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_project(project_id: str | None = None) -> ResponseReturnValue:
    project = db.session.get(Project, project_id) if project_id else None
    if project_id and project is None:
        abort(404)
    form = ProjectForm(obj=project)
    if project is not None and request.method == "GET":
        form.goal.data = fen_to_yuan_str(project.goal_fen)
        form.min_yuan.data = fen_to_yuan_str(project.min_fen)
        form.max_yuan.data = fen_to_yuan_str(project.max_fen)
        form.daily_max_yuan.data = fen_to_yuan_str(project.daily_max_fen)
        town = nearest_town(project.lat, project.lng)
        form.town.data = town.name
        if km_from_centre(town.name, project.lat, project.lng) < AT_CENTRE_KM:
            form.lat.data = form.lng.data = None  # the town's centre: nothing refined
    if form.validate_on_submit():
        with errors_shown_on(form):
            saved = save_project(staff(), _project_input(form), project_id)
            flash(_("Saved."), "success")
            return redirect(url_for("projects.project", project_id=saved.id))
    return render_template(
        "projects/project_form.html", form=form, project=project, max_km=MAX_KM_FROM_TOWN
    )


def _listing_form(page: ProjectPage) -> ListingForm:
    form = ListingForm()
    form.need_id.choices = [
        (n.id, f"#{n.id} {n.alias} · {CATEGORY_LABELS.get(n.category, n.category)}")
        for n in page.listable
    ]
    return form


def _render_project(page: ProjectPage, form: ListingForm) -> ResponseReturnValue:
    return render_template(
        "projects/project.html",
        project=page.project,
        listed=page.listed,
        form=form,
        action_form=ActionForm(),
        bulk_form=BulkListingForm(),
        listable=page.listable,
        money=page.totals,
        town_of=lambda p: nearest_town(p.lat, p.lng).name,
        can_edit=staff().has_role(*EDITORS),
    )


@bp.get("/projects/<project_id>")
@roles_required(*READERS)
def project(project_id: str) -> ResponseReturnValue:
    page = project_page(project_id)
    return _render_project(page, _listing_form(page))


@bp.post("/projects/<project_id>")
@roles_required(*EDITORS)
def list_need(project_id: str) -> ResponseReturnValue:
    page = project_page(project_id)
    form = _listing_form(page)
    if form.validate_on_submit():
        with errors_shown_on(form):
            list_need_on_project(staff(), form.need_id.data or 0, project_id)
            flash(_("The need is on the map."), "success")
            return redirect(url_for("projects.project", project_id=project_id))
    return _render_project(page, form)


@bp.post("/projects/<project_id>/listings")
@roles_required(*EDITORS)
def list_many(project_id: str) -> ResponseReturnValue:
    """Put every ticked published need on the project's map, each on its own."""
    project_page(project_id)  # 404 for a project that does not exist
    back = redirect(url_for("projects.project", project_id=project_id))
    if not BulkListingForm().validate_on_submit():
        abort(400)
    try:
        ids = parse_ids(request.form.getlist("need_id"))
    except ValueError:
        flash(_("Choose at most %(n)d at once.", n=MAX_ITEMS), "error")
        return back
    if not ids:
        flash(_("Choose at least one need."), "error")
        return back
    result = list_needs_on_project(staff(), ids, project_id)
    flash_outcomes(result, _("The need is on the map."))
    return back


@bp.route("/projects/<project_id>/status/<status>", methods=["POST"])
@roles_required(*EDITORS)
@redirects_on_domain_error("projects.project")
def project_status(project_id: str, status: str) -> ResponseReturnValue:
    if status not in ("active", "closed") or not ActionForm().validate_on_submit():
        abort(400)
    set_project_status(staff(), project_id, ProjectStatus(status))
    flash(
        _("Published on the map.") if status == "active" else _("The project is closed."),
        "success",
    )
    return redirect(url_for("projects.project", project_id=project_id))


POOL_READERS = (Role.ADMIN, Role.AUDITOR, Role.FINANCE, Role.OFFICER, Role.SOCIAL_WORKER)


@bp.route("/pools")
@roles_required(*POOL_READERS)
def pools() -> ResponseReturnValue:
    return render_template("projects/pools.html", pools=pool_summaries())


@bp.get("/pools/export")
@roles_required(*POOL_READERS)
def export_pool_list() -> ResponseReturnValue:
    """Every pool's balance as CSV or XLSX; audited."""
    return download(export_pools(export_request(filtered=False)))


@bp.get("/pools/history/export")
@roles_required(*POOL_READERS)
def export_history() -> ResponseReturnValue:
    """Every pool's journal entries as CSV or XLSX; audited."""
    return download(export_pool_history(export_request(filtered=False)))
