"""Periodic jobs. With BACKGROUND_JOBS=inprocess (the development default) they run
in a thread of the server process; with BACKGROUND_JOBS=celery a Celery worker runs
them on the schedule of Celery beat (portal/celery_app.py). Either way the list is
`scheduled_jobs`, and every run is recorded (core.jobruns, the page /admin/jobs)."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from core import audit, jobruns
from core.db import db
from core.notices.services import deliver_office_notices
from core.reports.figures import parse_month
from core.reports.monthly import monthly_report
from core.timeutil import local_today
from core.wings import PeriodicJob, registry

log = logging.getLogger(__name__)


def seal_audit() -> int:
    return audit.seal_all(str(current_app.config["AUDIT_KEY"]).encode())


AUDIT_SEAL = PeriodicJob(
    "audit-seal",
    lambda config: int(config["AUDIT_SEAL_INTERVAL_S"]),
    seal_audit,
    label=_l("Seal the audit log"),
)


def verify_audit() -> audit.ChainReport:
    key = str(current_app.config["AUDIT_KEY"]).encode()
    return audit.verify_and_record(key, audit.Actor.system("audit-verify"))


AUDIT_VERIFY = PeriodicJob(
    "audit-verify",
    lambda config: int(config["AUDIT_VERIFY_INTERVAL_S"]),
    verify_audit,
    label=_l("Verify the audit chain"),
)


# The outbox's office channel: notices for the officers of an office (core.notices).
OFFICE_NOTICES = PeriodicJob(
    "office-notices",
    lambda config: int(config["OFFICE_NOTICE_INTERVAL_S"]),
    deliver_office_notices,
    label=_l("Deliver notices to offices"),
)


def reports_dir(app: Flask) -> Path:
    return Path(app.config["REPORTS_DIR"] or Path(app.instance_path) / "reports")


def write_last_months_report() -> str:
    """Once a month has ended, its statistics workbook for the county bureau, in
    Chinese, into REPORTS_DIR as `monthly-YYYY-MM.xlsx` (the same as `flask
    monthly-report`). Written once: a later run finds the file and does nothing.
    Returns the path written, or "" when there was nothing to do."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    month = (local_today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    target = reports_dir(app) / f"monthly-{month}.xlsx"
    if target.exists():
        return ""
    with force_locale("zh_CN"):
        export = monthly_report(None, parse_month(month), registry(app).monthly_sheets)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.write_bytes(export.body)
    partial.replace(target)  # whole or absent, even when the worker dies mid-write
    return str(target)


MONTHLY_REPORT = PeriodicJob(
    "monthly-report",
    lambda config: int(config["MONTHLY_REPORT_INTERVAL_S"]),
    write_last_months_report,
    label=_l("Write the monthly report"),
)


def scheduled_jobs(app: Flask) -> list[PeriodicJob]:
    """Every periodic job of the platform: the portal's own, then each wing's."""
    return [AUDIT_SEAL, AUDIT_VERIFY, OFFICE_NOTICES, MONTHLY_REPORT, *registry(app).jobs]


def run_job(app: Flask, job: PeriodicJob, *, runner: str = "inprocess", attempt: int = 1) -> object:
    """Run one job in an app context, its run on record; re-raises its error."""
    with app.app_context():
        return jobruns.run_recorded(
            job.name,
            job.run,
            runner=runner,
            attempt=attempt,
            keep_days=int(app.config["JOB_RUNS_KEEP_DAYS"]),
        )


def start_background_jobs(app: Flask) -> threading.Thread | None:
    if app.config["BACKGROUND_JOBS"] != "inprocess":
        return None
    jobs = scheduled_jobs(app)
    next_run = {job.name: 0.0 for job in jobs}

    def loop() -> None:
        while True:
            now = time.monotonic()
            for job in jobs:
                if now >= next_run[job.name]:
                    try:
                        run_job(app, job)
                    except Exception:  # a failing job must not stop the others
                        log.exception("background job %s failed", job.name)
                        with app.app_context():
                            db.session.rollback()
                    next_run[job.name] = time.monotonic() + job.interval_s(app.config)
            time.sleep(1)

    thread = threading.Thread(target=loop, name="background-jobs", daemon=True)
    thread.start()
    return thread
