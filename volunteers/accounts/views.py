"""The volunteer's account pages: register, log in and out, reset a password, home."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from core.forms import ActionForm
from core.throttle import Throttle
from core.web import client_ip, errors_shown_on
from volunteers.accounts import reset
from volunteers.accounts.errors import ResetLinkInvalid, VolunteerLoginBlocked, VolunteerLoginFailed
from volunteers.accounts.forms import (
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
    VolunteerLoginForm,
)
from volunteers.accounts.home import render_home_sections
from volunteers.accounts.registration import Registration, register_volunteer
from volunteers.accounts.sessions import log_in_volunteer, log_out_volunteer
from volunteers.accounts.web import (
    clear_session_cookie,
    current_volunteer,
    safe_next,
    session_lifetime,
    session_token,
    set_session_cookie,
    volunteer,
    volunteer_required,
)

bp = Blueprint(
    "volunteer_accounts",
    __name__,
    url_prefix="/v",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


def _conduct_version() -> str:
    return str(current_app.config["VOLUNTEER_CONDUCT_VERSION"])


def _split(raw: str | None) -> list[str]:
    return [part for part in (raw or "").replace("，", ",").replace("、", ",").split(",")]


@bp.route("/register", methods=["GET", "POST"])
def register() -> ResponseReturnValue:
    form = RegisterForm()
    if not form.is_submitted():
        form.conduct_version.data = _conduct_version()
    if form.validate_on_submit():
        with errors_shown_on(form):
            register_volunteer(
                Registration(
                    username=form.username.data or "",
                    display_name=form.display_name.data or "",
                    password=form.password.data or "",
                    conduct_version=form.conduct_version.data or "",
                    conduct_agreed=bool(form.conduct_agreed.data),
                    email=form.email.data or "",
                    phone=form.phone.data or "",
                    kind=form.kind.data or "",
                    organisation_name=form.organisation_name.data or "",
                    organisation_kind=form.organisation_kind.data or "",
                    gender=form.gender.data or "",
                    skills=_split(form.skills.data),
                    languages=list(form.languages.data or []),
                    towns=list(form.towns.data or []),
                    availability=list(form.availability.data or []),
                ),
                _conduct_version(),
                client_ip(),
            )
            flash(_("You are registered. Log in to see your page."), "success")
            return redirect(url_for("volunteer_accounts.login"))
    return render_template("volunteer_accounts/register.html", form=form)


@bp.get("/conduct")
def conduct() -> ResponseReturnValue:
    return render_template("volunteer_accounts/conduct.html", version=_conduct_version())


def _throttle() -> Throttle:
    throttle: Throttle = current_app.extensions["throttle"]
    return throttle


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = VolunteerLoginForm()
    if form.validate_on_submit():
        try:
            signed_in = log_in_volunteer(
                _throttle(),
                form.login.data or "",
                form.password.data or "",
                client_ip(),
                session_lifetime(),
            )
        except VolunteerLoginBlocked as blocked:
            return render_template(
                "volunteer_accounts/login.html", form=form, blocked=_(blocked.message)
            ), 429
        except VolunteerLoginFailed as failed:
            flash(_(failed.message), "error")
            return render_template("volunteer_accounts/login.html", form=form)
        response = make_response(redirect(safe_next(url_for("volunteer_accounts.home"))))
        return set_session_cookie(response, signed_in.session_token)
    return render_template("volunteer_accounts/login.html", form=form)


@bp.post("/logout")
@volunteer_required
def logout() -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    log_out_volunteer(volunteer(), session_token(), client_ip())
    return clear_session_cookie(make_response(redirect(url_for("volunteer_accounts.login"))))


@bp.route("/reset", methods=["GET", "POST"])
def reset_request() -> ResponseReturnValue:
    form = ResetRequestForm()
    if form.validate_on_submit():
        ttl = timedelta(seconds=int(current_app.config["VOLUNTEER_RESET_TOKEN_TTL_S"]))
        reset.request_password_reset(form.login.data or "", ttl, client_ip())
        # The same answer whether an account matched or not.
        flash(
            _(
                "If an account matches, a link to set a new password is on its way to its email or mobile."
            ),
            "success",
        )
        return redirect(url_for("volunteer_accounts.login"))
    return render_template("volunteer_accounts/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    form = ResetPasswordForm()
    try:
        reset.check_reset_link(token[:100])
    except ResetLinkInvalid as invalid:
        flash(_(invalid.message), "error")
        return redirect(url_for("volunteer_accounts.reset_request"))
    if form.validate_on_submit():
        with errors_shown_on(form):
            reset.reset_password(token[:100], form.password.data or "", client_ip())
            flash(_("Your password has been changed. Log in with the new one."), "success")
            response = make_response(redirect(url_for("volunteer_accounts.login")))
            return clear_session_cookie(response)
    return render_template("volunteer_accounts/reset_password.html", form=form)


@bp.get("/")
@volunteer_required
def home() -> ResponseReturnValue:
    me = volunteer()
    return render_template(
        "volunteer_accounts/home.html",
        me=me,
        sections=render_home_sections(current_app, me),
        logout_form=ActionForm(),
    )


def render_volunteer_error(error: HTTPException) -> ResponseReturnValue:
    """Errors under /v/ in the volunteer's layout: no staff navigation, no staff links."""
    messages = {
        400: _("The request could not be understood. Go back and try again."),
        404: _("There is no such page or record."),
        405: _("This action is not allowed here."),
        429: _("Too many attempts. Wait a minute and try again."),
    }
    code = error.code or 500
    return render_template(
        "volunteer_accounts/error.html",
        title=str(code),
        message=messages.get(code, error.description or ""),
        signed_in=current_volunteer() is not None,
    ), code
