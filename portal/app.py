"""The application factory: configuration, extensions, blueprints, CLI, security headers."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

from flask import Flask, Response, request, session
from sqlalchemy import text
from werkzeug.middleware.proxy_fix import ProxyFix

import donations
import jobs_bases
import portal.security  # noqa: F401  (registers the user loader)
import volunteers
from core.crypto import Keyring, install_keyring
from core.db import configure_sqlite, db
from core.params import DatabaseIntConverter, refuse_nul_characters
from core.reports import casework as casework_reports
from core.throttle import DatabaseThrottle, RedisThrottle, Throttle, ThrottlePolicy
from core.wings import registry
from portal import inbox as inbox_counts
from portal.cli import register_commands
from portal.config import load_config
from portal.errors import register_error_handlers
from portal.extensions import babel, csrf, login_manager, migrate
from portal.locales import LOCALES
from portal.templating import register_templating
from portal.views import admin, audit, auth, dashboard, inbox, needs, persons, reports

ROOT = Path(__file__).resolve().parent.parent
# Each wing has `load_models()` and `init_app(app)`; the portal knows nothing else of them.
WINGS = (donations, jobs_bases, volunteers)

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def _select_locale() -> str:
    chosen = session.get("lang") or request.cookies.get("lang")
    return chosen if chosen in LOCALES else "zh_CN"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    instance_path = Path(os.environ.get("INSTANCE_PATH", ROOT / "instance")).resolve()
    app = Flask("portal", instance_path=str(instance_path), root_path=str(ROOT / "portal"))
    app.config.update(load_config(instance_path, config))
    # Before any blueprint: every `<int:...>` of every wing refuses ids past the database's.
    app.url_map.converters["int"] = DatabaseIntConverter

    install_keyring(
        Keyring.from_spec(app.config["FIELD_KEYS"], app.config.get("FIELD_KEY_CURRENT") or None)
    )
    _init_database(app)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=_select_locale,
        default_translation_directories=str(ROOT / "portal" / "translations"),
    )
    login_manager.init_app(app)
    app.extensions["throttle"] = _make_throttle(app)

    if app.config["TRUSTED_PROXIES"]:
        n = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    register_templating(app)
    _register_blueprints(app)
    for wing in WINGS:
        wing.init_app(app)
    # After the wings: `create-user` takes the options they registered (--partner, --base).
    register_commands(app)
    register_error_handlers(app)
    app.before_request(refuse_nul_characters)
    app.after_request(_security_headers)
    app.add_url_rule("/healthz", "healthz", _healthz)
    app.add_url_rule("/favicon.ico", "favicon", _favicon)
    return app


def _init_database(app: Flask) -> None:
    uri: str = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"connect_args": {"timeout": 15}})
    else:
        app.config.setdefault(
            "SQLALCHEMY_ENGINE_OPTIONS",
            {
                "pool_pre_ping": bool(app.config["DB_POOL_PRE_PING"]),
                "pool_size": int(app.config["DB_POOL_SIZE"]),
                "max_overflow": int(app.config["DB_MAX_OVERFLOW"]),
                "pool_recycle": int(app.config["DB_POOL_RECYCLE_S"]),
            },
        )
    import core.models  # noqa: F401  (every table on the metadata)

    for wing in WINGS:
        wing.load_models()
    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)


def _make_throttle(app: Flask) -> Throttle:
    policy = ThrottlePolicy(
        account_failures=app.config["LOGIN_ACCOUNT_FAILURES"],
        account_lock_s=app.config["LOGIN_ACCOUNT_LOCK_S"],
        address_failures=app.config["LOGIN_ADDRESS_FAILURES"],
        address_window_s=app.config["LOGIN_ADDRESS_WINDOW_S"],
        address_block_s=app.config["LOGIN_ADDRESS_BLOCK_S"],
    )
    if app.config["REDIS_URL"]:
        import redis

        return RedisThrottle(policy, redis.Redis.from_url(app.config["REDIS_URL"]))
    return DatabaseThrottle(policy)


def _register_blueprints(app: Flask) -> None:
    for module in (auth, dashboard, inbox, persons, needs, audit, admin, reports):
        app.register_blueprint(module.bp)
    # Core's own report sections and inbox lines; each wing adds its own in its init_app.
    registry(app).report_sections += casework_reports.sections()
    registry(app).counts += inbox_counts.counts()


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.endpoint and not request.endpoint.startswith("static"):
        # Pages carry personal data: keep them out of shared caches and history.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


@cache
def _favicon_bytes() -> bytes:
    return (ROOT / "portal" / "static" / "favicon.ico").read_bytes()


def _favicon() -> Response:
    # Browsers ask for it at the root whatever a page links; without it every first
    # visit logs a 404. The static file is 4 kB: served from memory, cached for a day.
    response = Response(_favicon_bytes(), mimetype="image/vnd.microsoft.icon")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


def _healthz() -> tuple[dict[str, str], int]:
    try:
        db.session.execute(text("SELECT 1"))
        return {"status": "ok"}, 200
    except Exception:
        return {"status": "database unavailable"}, 503
    finally:
        db.session.rollback()
