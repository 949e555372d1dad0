"""Login, logout, own password, language switch."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user

from core.auth import LoginBlocked, LoginFailed, authenticate
from core.forms import ActionForm
from core.sessions import log_out
from core.staff import change_own_password
from core.throttle import Throttle
from core.web import errors_shown_on
from portal.forms import ChangePasswordForm, LoginForm
from portal.locales import LOCALES
from portal.security import SESSION_KEY, client_ip, staff
from portal.views.common import safe_next

bp = Blueprint("auth", __name__)


def _throttle() -> Throttle:
    throttle: Throttle = current_app.extensions["throttle"]
    return throttle


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = LoginForm()
    if form.validate_on_submit():
        try:
            signed_in = authenticate(
                _throttle(),
                form.username.data or "",
                form.password.data or "",
                client_ip(),
                current_app.permanent_session_lifetime,
            )
        except LoginBlocked as blocked:
            return render_template("login.html", form=form, blocked=_(blocked.message)), 429
        except LoginFailed as failed:
            flash(_(failed.message, **failed.params), "error")
            return render_template("login.html", form=form), 200
        session.clear()  # a fresh session for the new login (no fixation)
        login_user(signed_in.user)
        session[SESSION_KEY] = signed_in.session_token
        return redirect(safe_next(url_for("dashboard.index")))
    return render_template("login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> ResponseReturnValue:
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    log_out(staff(), str(session.get(SESSION_KEY, "")), client_ip())
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            with errors_shown_on(form, let_through=(LoginBlocked,)):
                user = change_own_password(
                    staff(),
                    form.current_password.data or "",
                    form.new_password.data or "",
                    _throttle(),
                    ip=client_ip(),
                )
                login_user(user)  # the session id changed with the password
                flash(_("Your password has been changed."), "success")
                return redirect(url_for("dashboard.index"))
        except LoginBlocked as blocked:  # raised past the boundary: it answers 429
            return render_template(
                "account_password.html", form=form, blocked=_(blocked.message)
            ), 429
    return render_template("account_password.html", form=form)


@bp.route("/lang/<code>")
def set_language(code: str) -> ResponseReturnValue:
    if code not in LOCALES:
        abort(404)
    session["lang"] = code
    response = redirect(safe_next(url_for("dashboard.index"), referrer=True))
    response.set_cookie("lang", code, max_age=365 * 86400, samesite="Lax", httponly=True)
    return response
