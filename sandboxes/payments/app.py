"""The Flask app: authentication, injected API faults and Stripe-shaped errors around the views."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import HTTPException

from .auth import identify_caller, publishable_key_refused
from .config import SandboxConfig
from .errors import ApiError, injected_api_error
from .ids import new_id
from .runtime import EXTENSION, current_sandbox, open_sandbox
from .views import blueprint, json_response

logger = logging.getLogger(__name__)

_STRIPE_SURFACE = "/v1/"
_GUARDED = (_STRIPE_SURFACE, "/_sandbox/")


def create_app(config: Mapping[str, object] | None = None) -> Flask:
    """The sandbox as a WSGI app, with its webhook dispatcher running.

    `config` takes the same `SANDBOX_*` names as the environment; without it the
    environment is read. Pass `SANDBOX_START_DISPATCHER=False` to send webhooks
    only through `POST /_sandbox/flush`.
    """
    settings = SandboxConfig.from_env() if config is None else SandboxConfig.from_mapping(config)
    sandbox = open_sandbox(settings)
    app = Flask(__name__)
    app.extensions[EXTENSION] = sandbox
    app.register_blueprint(blueprint)
    app.before_request(_start_request)
    app.after_request(_tag_response)
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    if settings.start_dispatcher:
        sandbox.dispatcher.start()
    return app


def _start_request() -> None:
    g.request_id = new_id("req")
    sandbox = current_sandbox()
    if request.path.startswith(_STRIPE_SURFACE):
        # Faults strike before anything else, so a failed call has changed nothing.
        latency = sandbox.faults.api_latency_s()
        if latency > 0:
            time.sleep(latency)
        if sandbox.faults.api_fails():
            raise injected_api_error()
    if not request.path.startswith(_GUARDED) or request.endpoint is None:
        return
    caller = identify_caller(request.headers.get("Authorization"), sandbox.config)
    view = current_app.view_functions[request.endpoint]
    if caller.publishable and not getattr(view, "publishable_key_allowed", False):
        raise publishable_key_refused()
    g.caller = caller


def _tag_response(response: Response) -> Response:
    request_id = g.get("request_id")
    if request_id:
        response.headers["Request-Id"] = request_id
    response.headers["Stripe-Version"] = current_sandbox().config.api_version
    return response


def _api_error(error: ApiError) -> Response:
    return json_response(error.body(), error.status)


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    if status in (404, 405):
        # Stripe has no 405: a method a path does not take is just an unknown URL.
        status = 404
        message = (
            f"Unrecognized request URL ({request.method}: {request.path}). "
            "Please see https://stripe.com/docs or we can help at https://support.stripe.com/."
        )
    else:
        message = error.description or error.name
    return json_response({"error": {"type": "invalid_request_error", "message": message}}, status)


def _unexpected_error(error: Exception) -> Response:
    logger.exception("unexpected error", exc_info=error)
    return json_response(
        {"error": {"type": "api_error", "message": "An unexpected error occurred in the sandbox."}},
        500,
    )
