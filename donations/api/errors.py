"""The API's error object: `{"error": {"code", "message"}}` with a fitting status."""

from __future__ import annotations

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from core.paging import InvalidCursor
from donations.errors import DonationError


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def error_response(status: int, code: str, message: str) -> Response:
    response = jsonify({"error": {"code": code, "message": message}})
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


def register_api_errors(app: Flask) -> None:
    """JSON errors for everything under the API prefix, whatever raised them."""

    @app.errorhandler(ApiError)
    def _api(error: ApiError) -> Response:
        return error_response(error.status, error.code, error.message)

    @app.errorhandler(DonationError)
    def _donation(error: DonationError) -> Response:
        message = error.message % error.params if error.params else error.message
        return error_response(error.status, error.code, message)

    @app.errorhandler(InvalidCursor)
    def _cursor(error: InvalidCursor) -> Response:
        return error_response(400, "invalid_field", error.message)


def http_error_for_api(error: HTTPException) -> Response:
    code = error.code or 500
    return error_response(code, HTTP_CODES.get(code, "error"), error.description or "")
