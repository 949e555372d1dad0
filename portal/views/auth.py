"""Login, logout, own password, language switch."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.auth import LoginBlocked, LoginFailed, authenticate
from core.db import db
from core.errors import DomainError
from core.forms import ActionForm
from core.staff import change_own_password
from core.throttle import Throttle
from portal.forms import ChangePasswordForm, LoginForm
from portal.locales import LOCALES
from portal.security import client_ip, staff
from portal.views.common import safe_next, show_error

bp = Blueprint("auth", __name__)


def _throttle() -> Throttle:
    throttle: Throttle = current_app.extensions["throttle"]
    return throttle


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(
                _throttle(), form.username.data or "", form.password.data or "", client_ip()
            )
        except LoginBlocked as blocked:
            return render_template("login.html", form=form, blocked=_(blocked.message)), 429
        except LoginFailed as failed:
            flash(_(failed.message), "error")
            return render_template("login.html", form=form), 200
        session.clear()  # a fresh session for the new login (no fixation)
        login_user(user)
        return redirect(url_for("dashboard.index"))
    return render_template("login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> ResponseReturnValue:
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    user = staff()
    audit.record(Actor(user.id, user.username, client_ip()), AuditAction.LOGOUT)
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user = change_own_password(
                staff(),
                form.current_password.data or "",
                form.new_password.data or "",
                ip=client_ip(),
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            login_user(user)  # the session id changed with the password
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("dashboard.index"))
    return render_template("account_password.html", form=form)


@bp.route("/lang/<code>")
def set_language(code: str) -> ResponseReturnValue:
    if code not in LOCALES:
        abort(404)
    session["lang"] = code
    response = redirect(safe_next(url_for("dashboard.index")))
    response.set_cookie("lang", code, max_age=365 * 86400, samesite="Lax", httponly=True)
    return response
