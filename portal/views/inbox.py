"""What waits for the signed-in user: their open tasks (done or dismissed from the
list) and, for officers, the notices of their office."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from core.forms import ActionForm
from core.notices import services as notices
from core.tasks import services as tasks
from core.timeutil import local_today
from portal.security import client_ip, staff
from portal.views.common import safe_next

bp = Blueprint("inbox", __name__)


@bp.route("/tasks")
@login_required
def tasks_page() -> ResponseReturnValue:
    kind = request.args.get("kind") or None
    due = request.args.get("due") == "soon"
    user = staff()
    items = tasks.open_tasks_for(user, kind, tasks.soon(local_today()) if due else None)
    return render_template(
        "inbox/tasks.html",
        items=items,
        kind=kind,
        due=due,
        kinds=tasks.open_task_kinds(user),
        today=local_today(),
        form=ActionForm(),
    )


def _close(task_id: int, *, dismiss: bool) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    tasks.close_task(staff(), task_id, dismiss=dismiss, ip=client_ip())
    flash(_("Task dismissed.") if dismiss else _("Task marked done."), "success")
    return redirect(safe_next(url_for("inbox.tasks_page")))


@bp.route("/tasks/<int:task_id>/done", methods=["POST"])
@login_required
def task_done(task_id: int) -> ResponseReturnValue:
    return _close(task_id, dismiss=False)


@bp.route("/tasks/<int:task_id>/dismiss", methods=["POST"])
@login_required
def task_dismiss(task_id: int) -> ResponseReturnValue:
    return _close(task_id, dismiss=True)


@bp.route("/notices")
@login_required
def notices_page() -> ResponseReturnValue:
    user = staff()
    return render_template(
        "inbox/notices.html",
        items=notices.notices_for(user),
        unread=notices.unread_count(user),
        form=ActionForm(),
    )


@bp.route("/notices/<int:notice_id>/read", methods=["POST"])
@login_required
def notice_read(notice_id: int) -> ResponseReturnValue:
    if ActionForm().validate_on_submit():
        notices.mark_read(staff(), notice_id)
    return redirect(url_for("inbox.notices_page"))


@bp.route("/notices/read-all", methods=["POST"])
@login_required
def notices_read_all() -> ResponseReturnValue:
    if ActionForm().validate_on_submit():
        notices.mark_all_read(staff())
        flash(_("Every notice is marked read."), "success")
    return redirect(url_for("inbox.notices_page"))
