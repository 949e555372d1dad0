"""The API's error object: `{"error": {"code", "message"}}` with a fitting status.

The code is for the program; the message is in Chinese, fit to show the donor (amounts in
yuan). Messages are msgids with their parameters, translated here, in one place.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, Response, jsonify
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from core.paging import InvalidCursor
from donations.errors import DonationError

# The language of the mini-program, whatever a browser's portal cookie says.
API_LOCALE = "zh_CN"


class ApiError(Exception):
    """An answer of the API edge: `message` is a msgid, `params` fill its placeholders."""

    def __init__(self, status: int, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.params = params


def error_response(
    status: int, code: str, message: str, params: Mapping[str, object] | None = None
) -> Response:
    """The error object, its message translated (a msgid with `params`)."""
    with force_locale(API_LOCALE):
        text = gettext(message, **params) if params else gettext(message)
    response = jsonify({"error": {"code": code, "message": text}})
    response.status_code = status
    return response


# Every code an answer of the API may carry. The OpenAPI document lists them (the
# Error schema's enum) and docs/api.md explains each; tests hold the three together.
ERROR_CODES = (
    "invalid_json",
    "invalid_field",
    "idempotency_key_required",
    "invalid_token",
    "invalid_code",
    "not_found",
    "method_not_allowed",
    "idempotency_conflict",
    "need_full",
    "project_closed",
    "limit_exceeded",
    "message_rejected",
    "privacy_not_accepted",
    "rate_limited",
    "upstream_unavailable",
    # Any other HTTP error: in practice an unexpected server error (500).
    "error",
)

HTTP_CODES = {
    400: "invalid_field",
    401: "invalid_token",
    404: "not_found",
    405: "method_not_allowed",
    409: "idempotency_conflict",
    413: "invalid_field",
    415: "invalid_json",
    429: "rate_limited",
}
HTTP_MESSAGES = {
    400: _l("The request is not valid."),
    401: _l("Log in first."),
    404: _l("Not found."),
    405: _l("This method is not allowed here."),
    409: _l("This request conflicts with an earlier one."),
    413: _l("The request is too large."),
    415: _l("The body must be JSON."),
    429: _l("Too many requests; try again shortly."),
}


def register_api_errors(app: Flask) -> None:
    """JSON errors for everything under the API prefix, whatever raised them."""

    @app.errorhandler(ApiError)
    def _api(error: ApiError) -> Response:
        return error_response(error.status, error.code, error.message, error.params)

    @app.errorhandler(DonationError)
    def _donation(error: DonationError) -> Response:
        return error_response(error.status, error.code, error.message, error.params)

    @app.errorhandler(InvalidCursor)
    def _cursor(error: InvalidCursor) -> Response:
        return error_response(400, "invalid_field", error.message, error.params)


def http_error_for_api(error: HTTPException) -> Response:
    code = error.code or 500
    message = HTTP_MESSAGES.get(code)
    with force_locale(API_LOCALE):
        text = str(message) if message is not None else gettext("Something went wrong on our side.")
    response = jsonify({"error": {"code": HTTP_CODES.get(code, "error"), "message": text}})
    response.status_code = code
    return response
