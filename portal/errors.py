"""One place that turns domain errors and HTTP errors into pages."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import NotFound as HTTPNotFound

from core.errors import NotFound, PermissionDenied
from core.wings import registry


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(NotFound)
    def _not_found(_error: NotFound) -> ResponseReturnValue:
        renderer = registry(app).renderer_for(request.path)
        if renderer is not None:
            return renderer(HTTPNotFound("Not found."))
        return render_template(
            "error.html", title=_("Not found"), message=_("There is no such page or record.")
        ), 404

    @app.errorhandler(PermissionDenied)
    def _denied(error: PermissionDenied) -> tuple[str, int]:
        return render_template("error.html", title=_("Not allowed"), message=_(error.message)), 403

    @app.errorhandler(CSRFError)
    def _csrf(_error: CSRFError) -> tuple[str, int]:
        return render_template(
            "error.html",
            title=_("Form expired"),
            message=_(
                "The form was missing its security token or had expired. Go back, reload "
                "the page and try again."
            ),
        ), 400

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> ResponseReturnValue:
        renderer = registry(app).renderer_for(request.path)
        if renderer is not None:
            return renderer(error)
        messages = {
            404: _("There is no such page or record."),
            405: _("This action is not allowed here."),
            413: _("The upload is too large."),
            429: _("Too many attempts. Wait a minute and try again."),
        }
        code = error.code or 500
        return render_template(
            "error.html", title=str(code), message=messages.get(code, error.description or "")
        ), code
