"""The volunteer's side of a request: their session cookie, the guard of their pages,
and the acting volunteer.

The cookie is the volunteer's own (`kp_volunteer`, path `/v`): the browser never sends
it to a staff page, and Flask-Login, which serves staff, never sees it. A staff login
in the same browser is no volunteer login: `/v` pages read this cookie alone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import ParamSpec

from flask import Response, current_app, g, redirect, request, url_for
from flask.typing import ResponseReturnValue

from core.audit import Actor
from core.web import client_ip
from volunteers.accounts.models import Volunteer
from volunteers.accounts.sessions import volunteer_actor, volunteer_for_token

COOKIE = "kp_volunteer"
COOKIE_PATH = "/v"

P = ParamSpec("P")


def session_lifetime() -> timedelta:
    return timedelta(seconds=int(current_app.config["VOLUNTEER_SESSION_LIFETIME_S"]))


def session_token() -> str:
    token = request.cookies.get(COOKIE, "")
    return token if 20 <= len(token) <= 100 else ""


def current_volunteer() -> Volunteer | None:
    """The volunteer logged in by this request's cookie, if any (cached per request)."""
    if "volunteer" not in g:
        token = session_token()
        g.volunteer = volunteer_for_token(token) if token else None
    found: Volunteer | None = g.volunteer
    return found


def volunteer() -> Volunteer:
    """The logged-in volunteer, inside a view guarded by `volunteer_required`."""
    found = current_volunteer()
    assert found is not None
    return found


def acting_volunteer() -> Actor:
    return volunteer_actor(volunteer(), client_ip())


def volunteer_required(view: Callable[P, ResponseReturnValue]) -> Callable[P, ResponseReturnValue]:
    """Only a logged-in volunteer; anyone else (a staff login included) is sent to the
    volunteer login page."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> ResponseReturnValue:
        if current_volunteer() is None:
            return redirect(url_for("volunteer_accounts.login", next=request.path))
        return view(*args, **kwargs)

    return wrapped


def set_session_cookie(response: Response, token: str) -> Response:
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(session_lifetime().total_seconds()),
        path=COOKIE_PATH,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
    return response


def clear_session_cookie(response: Response) -> Response:
    response.delete_cookie(COOKIE, path=COOKIE_PATH, httponly=True, samesite="Lax")
    return response


def safe_next(default: str) -> str:
    """Only a path of the volunteer pages: never another site, never a staff page."""
    target = request.args.get("next", "")
    if target.startswith("/v/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
