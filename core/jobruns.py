"""The record of background job runs: one row per run (and per retry), whichever runner
ran it (the server's thread or a Celery worker), kept for `JOB_RUNS_KEEP_DAYS`.

A run is written in two short transactions of its own, one before the job and one
after, so a job that fails (and rolls its own work back) still leaves its failure on
record, and a run whose process was killed stays `running` with no end: the staff page
shows it as such.
"""

from __future__ import annotations

import enum
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Index, Integer, String, Text, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, db, utcnow

# The longest error text kept: the exception's last lines say what went wrong.
ERROR_CHARS = 2000


class RunStatus(enum.StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class JobRun(Base):
    """One run of one periodic job."""

    __tablename__ = "job_run"
    __table_args__ = (
        Index("ix_job_run_job_started_at", "job", "started_at"),
        Index("ix_job_run_status_started_at", "status", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(64))
    runner: Mapped[str] = mapped_column(String(16))  # "inprocess" | "celery" | "cli"
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default=RunStatus.RUNNING)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    result: Mapped[str] = mapped_column(String(200), default="")
    error: Mapped[str] = mapped_column(Text, default="")


def _summary(value: object) -> str:
    """What a job returned, short: a count, or a run's id."""
    if value is None:
        return ""
    ident = getattr(value, "id", None)
    text = f"{type(value).__name__} {ident}" if ident is not None else str(value)
    return text[:200]


def run_recorded(
    job: str, run: Callable[[], object], *, runner: str, attempt: int = 1, keep_days: int = 14
) -> object:
    """Run `run` with its run on record; re-raises what it raises, after recording it.

    Runs older than `keep_days` are deleted as each run starts, so the table stays small.
    """
    db.session.rollback()
    db.session.execute(
        delete(JobRun).where(JobRun.started_at < utcnow() - timedelta(days=keep_days))
    )
    record = JobRun(job=job, runner=runner, attempt=attempt, status=RunStatus.RUNNING)
    db.session.add(record)
    db.session.commit()
    record_id = record.id
    try:
        value = run()
    except BaseException as error:
        db.session.rollback()
        _finish(record_id, RunStatus.FAILED, error=_error_text(error))
        raise
    _finish(record_id, RunStatus.SUCCEEDED, result=_summary(value))
    return value


def _error_text(error: BaseException) -> str:
    lines = traceback.format_exception(error)
    return "".join(lines)[-ERROR_CHARS:]


def _finish(record_id: int, status: RunStatus, *, result: str = "", error: str = "") -> None:
    record = db.session.get(JobRun, record_id)
    if record is None:  # deleted meanwhile by a pruning run: nothing to finish
        return
    record.status = status
    record.finished_at = utcnow()
    record.result = result
    record.error = error
    db.session.commit()


@dataclass(frozen=True)
class JobSummary:
    """A job's line on the staff page."""

    job: str
    last_started_at: datetime | None
    last_status: str | None
    last_succeeded_at: datetime | None
    failures: int  # within the kept runs


def job_summaries(jobs: list[str]) -> list[JobSummary]:
    """Each job's last run, last success and kept failures, in the order given."""
    last_success: dict[str, datetime] = {
        job: moment
        for job, moment in db.session.execute(
            select(JobRun.job, func.max(JobRun.started_at))
            .where(JobRun.status == RunStatus.SUCCEEDED)
            .group_by(JobRun.job)
        )
    }
    failures: dict[str, int] = {
        job: count
        for job, count in db.session.execute(
            select(JobRun.job, func.count())
            .where(JobRun.status == RunStatus.FAILED)
            .group_by(JobRun.job)
        )
    }
    latest_ids = select(func.max(JobRun.id)).group_by(JobRun.job).scalar_subquery()
    latest = {
        run.job: run for run in db.session.scalars(select(JobRun).where(JobRun.id.in_(latest_ids)))
    }
    return [
        JobSummary(
            job=name,
            last_started_at=latest[name].started_at if name in latest else None,
            last_status=latest[name].status if name in latest else None,
            last_succeeded_at=last_success.get(name),
            failures=int(failures.get(name, 0)),
        )
        for name in jobs
    ]


def recent_runs(*, failed_only: bool = False, limit: int = 100) -> list[JobRun]:
    """The latest runs, newest first; only the failed ones when asked."""
    query = select(JobRun).order_by(JobRun.id.desc()).limit(limit)
    if failed_only:
        query = query.where(JobRun.status == RunStatus.FAILED)
    return list(db.session.scalars(query))
