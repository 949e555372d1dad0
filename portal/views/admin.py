"""Staff account administration (admins only)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core import jobruns
from core.db import db
from core.errors import NotFound
from core.export import download
from core.orgs import all_units
from core.staff import create_user, list_users, reset_password, update_user
from core.users import Role, User
from core.web import errors_shown_on, export_request, redirects_on_domain_error
from core.wings import registry
from portal.forms import ROLE_LABELS, ResetPasswordForm, UserForm
from portal.jobs import scheduled_jobs
from portal.security import client_ip, roles_required, staff
from portal.staff_export import export_users

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _scope_choices() -> list[tuple[int, str]]:
    return [(0, "—")] + [(u.id, u.name) for u in all_units()]


@bp.route("/users")
@roles_required(Role.ADMIN)
def users() -> ResponseReturnValue:
    return render_template("admin/users.html", users=list_users(), role_labels=ROLE_LABELS)


@bp.get("/users/export")
@roles_required(Role.ADMIN)
def export_users_list() -> ResponseReturnValue:
    """Every staff account as CSV or XLSX; audited."""
    return download(export_users(export_request(filtered=False)))


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_user() -> ResponseReturnValue:
    form = UserForm()
    form.scope_unit_id.choices = _scope_choices()
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors = [_("This field is required.")]
        else:
            with errors_shown_on(form):
                user = create_user(
                    staff(),
                    form.username.data or "",
                    form.display_name.data or "",
                    form.password.data,
                    form.role.data or "",
                    form.scope_unit_id.data or None,
                    bool(form.juvenile_permission.data),
                    ip=client_ip(),
                )
                flash(_("The account has been created."), "success")
                return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=None, reset_form=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_user(user_id: int) -> ResponseReturnValue:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    form = UserForm(obj=user)
    form.scope_unit_id.choices = _scope_choices()
    if request.method == "GET":
        form.scope_unit_id.data = user.scope_unit_id or 0
    form.username.render_kw = {"readonly": True}
    if form.validate_on_submit():
        with errors_shown_on(form):
            update_user(
                staff(),
                user.id,
                form.role.data or "",
                form.scope_unit_id.data or None,
                bool(form.juvenile_permission.data),
                bool(form.active.data),
                ip=client_ip(),
            )
            flash(_("Saved."), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    panels = [
        (panel.template, context)
        for panel in registry(current_app).user_panels
        if (context := panel.context(user)) is not None
    ]
    return render_template(
        "admin/user_form.html",
        form=form,
        user=user,
        reset_form=ResetPasswordForm(),
        panels=panels,
    )


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@roles_required(Role.ADMIN)
@redirects_on_domain_error("admin.edit_user")
def reset_user_password(user_id: int) -> ResponseReturnValue:
    form = ResetPasswordForm()
    if form.validate_on_submit():
        reset_password(staff(), user_id, form.password.data or "", ip=client_ip())
        flash(_("The password has been reset."), "success")
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
    return redirect(url_for("admin.edit_user", user_id=user_id))


@bp.route("/jobs")
@roles_required(Role.ADMIN)
def jobs() -> ResponseReturnValue:
    failed_only = request.args.get("failed") == "1"
    scheduled = scheduled_jobs(current_app._get_current_object())  # type: ignore[attr-defined]
    runners = {
        "inprocess": _("in a thread of the portal's server"),
        "celery": _("by a separate background worker"),
        "off": _("not run at all"),
    }
    return render_template(
        "admin/jobs.html",
        runner=runners.get(current_app.config["BACKGROUND_JOBS"], "—"),
        runner_labels=runners,
        labels={job.name: str(job.label or job.name) for job in scheduled},
        summaries=jobruns.job_summaries([job.name for job in scheduled]),
        runs=jobruns.recent_runs(failed_only=failed_only),
        failed_only=failed_only,
        statuses={
            jobruns.RunStatus.RUNNING: _("running"),
            jobruns.RunStatus.SUCCEEDED: _("succeeded"),
            jobruns.RunStatus.FAILED: _("failed"),
        },
    )
