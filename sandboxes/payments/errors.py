"""Errors answered in Stripe's shape: `{"error": {"type", "code", "param", "message", ...}}`."""

from __future__ import annotations

from typing import Any

JSONObject = dict[str, Any]


class ApiError(Exception):
    """An answer other than success; `body()` is what goes on the wire."""

    def __init__(
        self,
        status: int,
        error_type: str,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        extra: JSONObject | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.message = message
        self.code = code
        self.param = param
        self.extra = extra or {}

    def body(self) -> JSONObject:
        error: JSONObject = {"type": self.error_type, "message": self.message}
        if self.code is not None:
            error["code"] = self.code
            error["doc_url"] = f"https://stripe.com/docs/error-codes/{self.code.replace('_', '-')}"
        if self.param is not None:
            error["param"] = self.param
        error.update(self.extra)
        return {"error": error}


def invalid_request(
    message: str, *, code: str | None = None, param: str | None = None, status: int = 400
) -> ApiError:
    return ApiError(status, "invalid_request_error", message, code=code, param=param)


def missing_param(param: str) -> ApiError:
    return invalid_request(
        f"Missing required param: {param}.", code="parameter_missing", param=param
    )


def unknown_param(param: str) -> ApiError:
    return invalid_request(
        f"Received unknown parameter: {param}", code="parameter_unknown", param=param
    )


def resource_missing(kind: str, object_id: str, *, param: str = "id") -> ApiError:
    return invalid_request(
        f"No such {kind}: '{object_id}'", code="resource_missing", param=param, status=404
    )


def unexpected_state(message: str, *, extra: JSONObject | None = None) -> ApiError:
    error = invalid_request(message, code="payment_intent_unexpected_state")
    error.extra = extra or {}
    return error


def authentication_error(message: str) -> ApiError:
    # Stripe answers a bad key with 401 but keeps the type invalid_request_error.
    return ApiError(401, "invalid_request_error", message)


def idempotency_error(message: str) -> ApiError:
    return ApiError(400, "idempotency_error", message)


def injected_api_error() -> ApiError:
    return ApiError(500, "api_error", "An unknown error occurred (injected by the sandbox).")
