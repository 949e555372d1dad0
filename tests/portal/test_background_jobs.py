"""Background jobs: one list for both runners, every run on record, a staff page of
runs, and the Celery tasks built from the same list."""

from __future__ import annotations

import pytest
import redis
from sqlalchemy import select

from core.db import db
from core.jobruns import JobRun, RunStatus
from core.wings import PeriodicJob
from portal.celery_app import make_celery, task_name
from portal.config import ConfigurationError
from portal.jobs import run_job, scheduled_jobs
from tests.conftest import make_app
from tests.factories import make_admin, make_user
from tests.pages import english, login
from tests.portal import test_web_harness as harness

web = harness.web

# The Redis database these tests may use for the jobs' locks.
REDIS_TEST_URL = "redis://127.0.0.1:6379/6"


def _runs(job: str) -> list[JobRun]:
    db.session.expire_all()
    return list(db.session.scalars(select(JobRun).where(JobRun.job == job).order_by(JobRun.id)))


def _broken() -> object:
    raise RuntimeError("the provider hung up")


def test_a_run_is_recorded_with_its_result(app, ctx):
    job = PeriodicJob("test-count", lambda _config: 60, lambda: 7)
    assert run_job(app, job) == 7
    [run] = _runs("test-count")
    assert run.status == RunStatus.SUCCEEDED and run.result == "7"
    assert run.runner == "inprocess" and run.finished_at is not None


def test_a_failed_run_is_recorded_and_its_error_raised(app, ctx):
    job = PeriodicJob("test-broken", lambda _config: 60, _broken)
    with pytest.raises(RuntimeError):
        run_job(app, job, runner="celery", attempt=3)
    [run] = _runs("test-broken")
    assert run.status == RunStatus.FAILED and run.attempt == 3
    assert "the provider hung up" in run.error


def test_the_celery_schedule_is_the_job_list(app):
    celery = make_celery(app)
    names = [job.name for job in scheduled_jobs(app)]
    assert {"reconcile", "donor-messages", "audit-seal", "close-needs"} <= set(names)
    assert sorted(celery.conf.beat_schedule) == sorted(names)
    for job in scheduled_jobs(app):
        entry = celery.conf.beat_schedule[job.name]
        assert entry["task"] == task_name(job.name)
        assert entry["schedule"].total_seconds() == job.interval_s(app.config)
        assert task_name(job.name) in celery.tasks
    reconcile = celery.tasks[task_name("reconcile")]
    assert reconcile.max_retries == 5 and reconcile.retry_backoff


@pytest.fixture()
def redis_locks():
    client = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail("Redis is not answering on 127.0.0.1:6379 (the CI starts it)")
    yield client
    for key in client.scan_iter("kaiping:job:*"):
        client.delete(key)


def test_a_celery_task_runs_its_job_on_record_and_skips_while_locked(app, ctx, redis_locks):
    app.config["CELERY_BROKER_URL"] = REDIS_TEST_URL
    try:
        celery = make_celery(app)
    finally:
        app.config["CELERY_BROKER_URL"] = ""
    task = celery.tasks[task_name("audit-seal")]
    task.apply(throw=True)
    assert [r.status for r in _runs("audit-seal")] == [RunStatus.SUCCEEDED]
    assert _runs("audit-seal")[0].runner == "celery"
    # Another worker holds the job: this one leaves it alone.
    lock = redis_locks.lock("kaiping:job:audit-seal", timeout=30)
    assert lock.acquire(blocking=False)
    try:
        task.apply(throw=True)
    finally:
        lock.release()
    assert len(_runs("audit-seal")) == 1


def test_an_unknown_runner_is_refused():
    with pytest.raises(ConfigurationError):
        make_app(BACKGROUND_JOBS="cron")


def test_admin_sees_recent_and_failed_runs(app, web, ctx):
    ok = PeriodicJob("reconcile", lambda _config: 60, lambda: 1)
    run_job(app, ok)
    with pytest.raises(RuntimeError):
        run_job(app, PeriodicJob("close-needs", lambda _config: 60, _broken))
    admin = make_admin()
    login(web, admin.username)
    english(web)
    page = web.get("/admin/jobs").get_data(as_text=True)
    assert (
        "Background jobs" in page
        and "Reconcile with the payment provider" in page
        and "the provider hung up" in page
    )
    failed = web.get("/admin/jobs?failed=1").get_data(as_text=True)
    assert "the provider hung up" in failed and "run-succeeded" not in failed


def test_only_admins_see_the_jobs_page(web, ctx):
    from core.users import Role

    officer = make_user(Role.FINANCE)
    login(web, officer.username)
    assert web.get("/admin/jobs").status_code in (403, 404)


def test_the_monthly_report_job_writes_last_months_workbook_once(app, ctx, tmp_path):
    from portal.jobs import MONTHLY_REPORT

    app.config["REPORTS_DIR"] = str(tmp_path)
    try:
        written = run_job(app, MONTHLY_REPORT)
        [workbook] = list(tmp_path.glob("monthly-*.xlsx"))
        assert written == str(workbook) and workbook.read_bytes()[:2] == b"PK"  # a zip: XLSX
        before = workbook.stat().st_mtime_ns
        assert run_job(app, MONTHLY_REPORT) == ""
        assert workbook.stat().st_mtime_ns == before
    finally:
        app.config["REPORTS_DIR"] = ""
    assert [r.status for r in _runs("monthly-report")] == [RunStatus.SUCCEEDED] * 2
