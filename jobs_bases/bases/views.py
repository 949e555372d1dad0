"""Staff pages of bases: the list, one base, create, edit, retire."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import func, select

from core.db import db
from core.export import download
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
from jobs_bases.bases.exports import export_bases
from jobs_bases.bases.forms import KIND_LABELS, BaseForm
from jobs_bases.bases.models import Base, Placement, PlacementStatus
from jobs_bases.bases.queries import BaseFilter, PlacementFilter, base_page, placement_page
from jobs_bases.bases.services import BaseInput, retire_base, save_base
from jobs_bases.partners.services import linked_base_id
from jobs_bases.views_common import BASE_READERS, choice, split_list

bp = Blueprint(
    "bases",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/bases/static",
)


def _base_filter() -> BaseFilter:
    return BaseFilter(
        town=choice(request.args.get("town"), TOWN_NAMES),
        kind=choice(request.args.get("kind"), KIND_LABELS),
        retired=request.args.get("retired") == "1",
    )


@bp.route("/bases")
@roles_required(*BASE_READERS)
def index() -> ResponseReturnValue:
    filters = _base_filter()
    page = base_page(staff(), filters, request.args.get("cursor"))
    return render_template(
        "bases/list.html", page=page, filters=filters, towns=TOWN_NAMES, kinds=KIND_LABELS
    )


@bp.get("/bases/export")
@roles_required(*BASE_READERS)
def export() -> ResponseReturnValue:
    """The bases as the list filters them, as CSV or XLSX; audited."""
    return download(export_bases(export_request(), _base_filter()))


def _load(base_id: int) -> Base:
    base = db.session.get(Base, base_id)
    user = staff()
    if base is None or (user.has_role(Role.BASE_CONTACT) and linked_base_id(user) != base.id):
        abort(404)
    return base


@bp.route("/bases/<int:base_id>")
@roles_required(*BASE_READERS)
def detail(base_id: int) -> ResponseReturnValue:
    base = _load(base_id)
    page = placement_page(
        staff(),
        PlacementFilter(base_id=base.id, status=PlacementStatus.ACTIVE),
        request.args.get("cursor"),
    )
    placed = db.session.scalar(
        select(func.count()).where(
            Placement.base_id == base.id, Placement.status == PlacementStatus.ACTIVE
        )
    )
    return render_template(
        "bases/detail.html", base=base, page=page, placed=placed or 0, kinds=KIND_LABELS
    )


def _input(form: BaseForm) -> BaseInput:
    return BaseInput(
        name=form.name.data or "",
        kind=form.kind.data or "",
        town=form.town.data or "",
        capacity=form.capacity.data or 0,
        address=form.address.data or "",
        organisation=form.organisation.data or "",
        contact_name=form.contact_name.data or "",
        contact_phone=form.contact_phone.data or "",
        activities=split_list(form.activities.data),
    )


@bp.route("/bases/new", methods=["GET", "POST"])
@bp.route("/bases/<int:base_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(base_id: int | None = None) -> ResponseReturnValue:
    base = None if base_id is None else _load(base_id)
    form = BaseForm(obj=base)
    if request.method == "GET" and base is not None:
        form.activities.data = ", ".join(base.activities)
    if form.validate_on_submit():
        with errors_shown_on(form):
            saved = save_base(staff(), base_id, _input(form), ip=client_ip())
            flash(_("Saved."), "success")
            return redirect(url_for("bases.detail", base_id=saved.id))
    return render_template("bases/form.html", form=form, base=base)


@bp.route("/bases/<int:base_id>/retire", methods=["POST"])
@roles_required(Role.ADMIN)
@redirects_on_domain_error("bases.detail")
def retire(base_id: int) -> ResponseReturnValue:
    retire_base(staff(), base_id, ip=client_ip())
    flash(_("The base is retired."), "success")
    return redirect(url_for("bases.detail", base_id=base_id))
