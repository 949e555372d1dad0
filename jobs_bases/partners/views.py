"""Admin pages: training partners, and the partner-account panel of a staff account."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from core.db import db
from core.users import Role, User
from core.web import client_ip, errors_shown_on, redirects_on_domain_error, roles_required, staff
from jobs_bases.bases.models import Base
from jobs_bases.partners.access import renew_access
from jobs_bases.partners.forms import PARTNER_KIND_LABELS, LinkForm, PartnerForm, RenewForm
from jobs_bases.partners.services import (
    PartnerInput,
    get_partner,
    link_account,
    link_of,
    list_partners,
    save_partner,
)

bp = Blueprint("partners", __name__, template_folder="templates")


@bp.route("/partners")
@roles_required(Role.ADMIN, Role.AUDITOR)
def partners() -> ResponseReturnValue:
    return render_template(
        "partners/partners.html", partners=list_partners(), kinds=PARTNER_KIND_LABELS
    )


@bp.route("/partners/new", methods=["GET", "POST"])
@bp.route("/partners/<int:partner_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_partner(partner_id: int | None = None) -> ResponseReturnValue:
    partner = None if partner_id is None else get_partner(partner_id)
    form = PartnerForm(obj=partner)
    if form.validate_on_submit():
        with errors_shown_on(form):
            saved = save_partner(
                staff(),
                partner_id,
                PartnerInput(
                    name=form.name.data or "",
                    kind=form.kind.data or "",
                    contact_name=form.contact_name.data or "",
                    contact_phone=form.contact_phone.data or "",
                    active=bool(form.active.data),
                ),
                ip=client_ip(),
            )
            flash(_("Saved."), "success")
            return redirect(url_for("partners.edit_partner", partner_id=saved.id))
    return render_template("partners/partner_form.html", form=form, partner=partner)


def _targets(user: User) -> list[SelectChoice]:
    if user.has_role(Role.TRAINING_PARTNER):
        return [SelectChoice(p.id, p.name) for p in list_partners(active_only=True)]
    bases = db.session.scalars(select(Base).where(Base.retired_at.is_(None)).order_by(Base.name))
    return [SelectChoice(b.id, b.name) for b in bases]


def user_panel_context(user: User) -> Mapping[str, Any] | None:
    """The admin's user page of a partner or base-contact account: what it speaks for,
    until when, and the forms to link and renew it."""
    if not user.has_role(Role.TRAINING_PARTNER, Role.BASE_CONTACT):
        return None
    link = link_of(user)
    link_form = LinkForm(prefix="link")
    link_form.target.choices = _targets(user)
    if link is not None:
        link_form.target.data = link.partner_id or link.base_id
    target = None
    if link is not None and link.partner_id is not None:
        target = get_partner(link.partner_id).name
    elif link is not None and link.base_id is not None:
        found = db.session.get(Base, link.base_id)
        target = None if found is None else found.name
    return {
        "account": user,
        "target": target,
        "link_form": link_form,
        "renew_form": RenewForm(prefix="renew"),
    }


@bp.route("/partners/accounts/<int:user_id>/link", methods=["POST"])
@roles_required(Role.ADMIN)
@redirects_on_domain_error("admin.edit_user")
def link_user(user_id: int) -> ResponseReturnValue:
    user = db.session.get(User, user_id)
    form = LinkForm(prefix="link")
    form.target.choices = [] if user is None else _targets(user)
    if user is not None and form.validate_on_submit():
        chosen = form.target.data
        is_partner = user.has_role(Role.TRAINING_PARTNER)
        link_account(
            staff(),
            user_id,
            partner_id=chosen if is_partner else None,
            base_id=None if is_partner else chosen,
            ip=client_ip(),
        )
        flash(_("The account is linked."), "success")
    else:
        flash(_("Choose a partner or a base."), "error")
    return redirect(url_for("admin.edit_user", user_id=user_id))


@bp.route("/partners/accounts/<int:user_id>/renew", methods=["POST"])
@roles_required(Role.ADMIN)
@redirects_on_domain_error("admin.edit_user")
def renew_user(user_id: int) -> ResponseReturnValue:
    form = RenewForm(prefix="renew")
    if form.validate_on_submit():
        user = renew_access(staff(), user_id, form.until.data, ip=client_ip())
        flash(_("Access renewed until %(date)s.", date=str(user.access_until)), "success")
    else:
        flash(_("Enter a date like 2026-06-30."), "error")
    return redirect(url_for("admin.edit_user", user_id=user_id))
