"""What the scheduled reconciliation finds becomes finance's tasks, not a failed job."""

from __future__ import annotations

from sqlalchemy import select

from core.db import db
from core.tasks.models import Task, TaskStatus
from core.users import Role
from donations.giving.discrepancies import (
    discrepancy_task_key,
    open_discrepancy_tasks,
    record_discrepancy,
    settle_discrepancy,
)
from donations.giving.models import DiscrepancyKind
from tests.factories import make_user


def _tasks(key: str) -> list[Task]:
    db.session.expire_all()
    return list(db.session.scalars(select(Task).where(Task.dedupe_key == key)))


def test_an_open_discrepancy_is_one_finance_task_until_settled(ctx):
    found = record_discrepancy(DiscrepancyKind.PAYMENT_NOT_AT_PROVIDER, "pi_missing_1", 5_000)
    db.session.commit()
    assert open_discrepancy_tasks() == 1
    assert open_discrepancy_tasks() == 1  # the next run adds nothing
    db.session.commit()
    [task] = _tasks(discrepancy_task_key(found.id))
    assert task.status == TaskStatus.OPEN and task.assignee_role == Role.FINANCE
    assert task.link == "/finance/reconciliation"

    settle_discrepancy(make_user(Role.FINANCE), found.id, "provider confirmed by phone")
    [task] = _tasks(discrepancy_task_key(found.id))
    assert task.status == TaskStatus.DONE
    assert open_discrepancy_tasks() == 0
