"""The Celery app that runs the periodic jobs when BACKGROUND_JOBS=celery.

One task per job of `portal.jobs.scheduled_jobs` and a beat schedule built from the
same list, so there is one list of jobs whichever runner runs them. Each task:

- runs the job inside an app context, its run recorded (core.jobruns, /admin/jobs);
- is retried with exponential backoff when the job raises (a provider that does not
  answer, a database restarting), at most `MAX_RETRIES` times;
- runs at most once at a time across workers: a Redis lock per job, so a slow run and
  the next beat do not overlap (the jobs are idempotent anyway: the outbox claims each
  message, reconciliation applies each provider event once);
- is acknowledged late, so a worker killed mid-run leaves it to another worker.

`celery -A portal.worker worker` and `celery -A portal.worker beat` start them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import redis
from celery import Celery, Task
from flask import Flask

from portal.jobs import run_job, scheduled_jobs

MAX_RETRIES = 5
# A lock outlives a run by far; it expires by itself when its worker was killed.
LOCK_TIMEOUT_S = 30 * 60


def broker_url(config: dict[str, Any] | Any) -> str:
    """CELERY_BROKER_URL, else REDIS_URL, else Redis on this machine."""
    return str(
        config.get("CELERY_BROKER_URL") or config.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    )


def task_name(job_name: str) -> str:
    return f"jobs.{job_name}"


def make_celery(app: Flask) -> Celery:
    """A Celery app whose tasks and beat schedule are the platform's periodic jobs."""
    url = broker_url(app.config)
    celery = Celery(app.import_name, broker=url, set_as_current=False)
    celery.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        timezone="UTC",
        worker_hijack_root_logger=False,
    )
    locks = redis.Redis.from_url(url)
    schedule: dict[str, dict[str, Any]] = {}
    for job in scheduled_jobs(app):
        interval = job.interval_s(app.config)

        def run(task: Task, job: Any = job) -> None:
            lock = locks.lock(f"kaiping:job:{job.name}", timeout=LOCK_TIMEOUT_S, blocking=False)
            if not lock.acquire():
                return  # the same job runs elsewhere right now
            try:
                run_job(app, job, runner="celery", attempt=task.request.retries + 1)
            finally:
                lock.release()

        celery.task(
            run,
            name=task_name(job.name),
            shared=False,  # this app's own: every app built registers its own tasks
            bind=True,
            autoretry_for=(Exception,),
            retry_backoff=True,
            retry_backoff_max=600,
            retry_jitter=True,
            max_retries=MAX_RETRIES,
        )
        # A beat not taken up within its own interval is dropped: the next one comes.
        schedule[job.name] = {
            "task": task_name(job.name),
            "schedule": timedelta(seconds=interval),
            "options": {"expires": max(interval, 5)},
        }
    celery.conf.beat_schedule = schedule
    return celery
