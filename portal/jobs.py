"""Periodic jobs. With BACKGROUND_JOBS=inprocess (the development default) they run
in a thread of the server process; `scheduled_jobs` lists them for any scheduler."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from flask import Flask

from core import audit
from core.db import db

log = logging.getLogger(__name__)


def seal_audit(app: Flask) -> int:
    with app.app_context():
        return audit.seal_all(str(app.config["AUDIT_KEY"]).encode())


def send_donor_messages(app: Flask) -> int:
    from donations.notify import send_pending
    from donations.wechat_config import current_wechat, subscribe_templates

    with app.app_context():
        return send_pending(current_wechat(), subscribe_templates())


def reconcile_payments(app: Flask) -> object:
    from donations.payments.config import current_gateway
    from donations.reconcile import reconcile

    with app.app_context():
        return reconcile(current_gateway())


def close_needs(app: Flask) -> int:
    from donations.closing import close_expired_and_cancelled

    with app.app_context():
        return close_expired_and_cancelled()


def scheduled_jobs(app: Flask) -> list[tuple[str, int, Callable[[Flask], object]]]:
    """(name, interval in seconds, job) for every periodic job the platform has."""
    return [
        ("audit-seal", int(app.config["AUDIT_SEAL_INTERVAL_S"]), seal_audit),
        ("donor-messages", 5, send_donor_messages),
        ("reconcile", int(app.config["RECONCILE_INTERVAL_S"]), reconcile_payments),
        ("close-needs", int(app.config["CLOSE_NEEDS_INTERVAL_S"]), close_needs),
    ]


def start_background_jobs(app: Flask) -> threading.Thread | None:
    if app.config["BACKGROUND_JOBS"] != "inprocess":
        return None
    jobs = scheduled_jobs(app)
    next_run = dict.fromkeys((name for name, _i, _j in jobs), 0.0)

    def loop() -> None:
        while True:
            now = time.monotonic()
            for name, interval, job in jobs:
                if now >= next_run[name]:
                    try:
                        job(app)
                    except Exception:  # a failing job must not stop the others
                        log.exception("background job %s failed", name)
                        with app.app_context():
                            db.session.rollback()
                    next_run[name] = time.monotonic() + interval
            time.sleep(1)

    thread = threading.Thread(target=loop, name="background-jobs", daemon=True)
    thread.start()
    return thread
