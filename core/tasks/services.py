"""Task use cases: wings open tasks when something waits for someone, and close them
when it is done; a user lists what waits for them.

A task for a role is seen by each user of that role whose scope unit is the task's
unit or above it, so officers of office A never see office B's tasks. Opening is
idempotent on the dedupe key while the task is open.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.errors import NotFound
from core.orgs import units_under
from core.tasks.models import Task, TaskStatus
from core.users import ALL_OFFICE_ROLES, CASEWORK_ROLES, Role, User

# Casework roles work inside an office: a task for "every officer" would show one
# office's person to all the others, so these roles need a unit.
_SCOPED_ROLES = CASEWORK_ROLES - ALL_OFFICE_ROLES


@dataclass(frozen=True)
class Assignee:
    """Who a task is for: one user, or a role within a unit (None: in every unit)."""

    user_id: int | None = None
    role: Role | None = None
    scope_unit_id: int | None = None

    @classmethod
    def to_user(cls, user_id: int) -> Assignee:
        return cls(user_id=user_id)

    @classmethod
    def to_role(cls, role: Role, scope_unit_id: int | None = None) -> Assignee:
        return cls(role=role, scope_unit_id=scope_unit_id)

    def check(self) -> None:
        if (self.user_id is None) == (self.role is None):
            raise ValueError("a task is for one user or for one role")
        if self.user_id is not None and self.scope_unit_id is not None:
            raise ValueError("a unit narrows a role, not a user")
        if self.role in _SCOPED_ROLES and self.scope_unit_id is None:
            raise ValueError(f"a task for the {self.role} role needs a unit")


def _check_link(link: str) -> None:
    # Only a path inside the portal: an inbox link must never lead off-site.
    if not link.startswith("/") or link.startswith("//") or "\\" in link:
        raise ValueError("a task links to a path inside the portal")


def _open_with_key(dedupe_key: str) -> Task | None:
    return db.session.scalar(
        select(Task).where(Task.dedupe_key == dedupe_key, Task.status == TaskStatus.OPEN)
    )


def create_task(
    *,
    kind: str,
    dedupe_key: str,
    title: str,
    link: str,
    assignee: Assignee,
    due_on: date | None = None,
    title_params: Mapping[str, Any] | None = None,
) -> Task:
    """Open a task in the caller's transaction (no commit).

    While a task with `dedupe_key` is open, that task is returned and nothing is added,
    so the same fact reported twice (or by two transactions at once) makes one task. A
    task dismissed by its user is returned too: the fact is not raised again.
    `title` is a msgid, translated when shown, with `title_params` for its placeholders.
    """
    assignee.check()
    _check_link(link)
    existing = _open_with_key(dedupe_key)
    if existing is not None:
        return existing
    # Someone said there was nothing to do: the periodic jobs must not raise it again.
    dismissed = db.session.scalar(
        select(Task).where(Task.dedupe_key == dedupe_key, Task.status == TaskStatus.DISMISSED)
    )
    if dismissed is not None:
        return dismissed
    task = Task(
        kind=kind,
        dedupe_key=dedupe_key,
        title=title,
        title_params=dict(title_params or {}),
        assignee_user_id=assignee.user_id,
        assignee_role=None if assignee.role is None else str(assignee.role),
        scope_unit_id=assignee.scope_unit_id,
        due_on=due_on,
        link=link,
        status=TaskStatus.OPEN,
        created_at=utcnow(),
    )
    db.session.flush()  # the caller's errors must not pass for a duplicate below
    try:
        with db.session.begin_nested():
            db.session.add(task)
    except IntegrityError:
        # Another transaction opened it first: theirs is the task.
        winner = _open_with_key(dedupe_key)
        assert winner is not None
        return winner
    return task


def _assigned_to(user: User) -> ColumnElement[bool]:
    by_role: ColumnElement[bool] = Task.assignee_role == user.role
    if not user.sees_all_offices:
        units = units_under(user.scope_unit_id) if user.scope_unit_id is not None else []
        in_scope = Task.scope_unit_id.in_(units) if units else false()
        by_role = by_role & or_(Task.scope_unit_id.is_(None), in_scope)
    return or_(Task.assignee_user_id == user.id, by_role)


def _tasks_for(user: User) -> Select[tuple[Task]]:
    return select(Task).where(_assigned_to(user))


# A task due within this many days is "due soon" on the home page.
SOON_DAYS = 2


def soon(today: date) -> date:
    """The last day a task may be due and still count as due soon."""
    return today + timedelta(days=SOON_DAYS)


def _open_for(
    user: User, kind: str | None = None, due_by: date | None = None
) -> Select[tuple[Task]]:
    query = _tasks_for(user).where(Task.status == TaskStatus.OPEN)
    if kind is not None:
        query = query.where(Task.kind == kind)
    if due_by is not None:
        query = query.where(Task.due_on.is_not(None), Task.due_on <= due_by)
    return query


def open_tasks_for(user: User, kind: str | None = None, due_by: date | None = None) -> list[Task]:
    """The user's open tasks and their role's within their scope, soonest due first;
    only those of `kind`, and only those due by `due_by`, when given."""
    return list(
        db.session.scalars(
            _open_for(user, kind, due_by).order_by(
                Task.due_on.is_(None), Task.due_on, Task.created_at, Task.id
            )
        )
    )


def open_task_count(user: User, kind: str | None = None, due_by: date | None = None) -> int:
    """How many open tasks `open_tasks_for` would list."""
    query = _open_for(user, kind, due_by)
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def open_task_kinds(user: User) -> list[str]:
    """The kinds among the user's open tasks (the filter of the tasks page)."""
    query = _open_for(user).with_only_columns(Task.kind).distinct().order_by(Task.kind)
    return list(db.session.scalars(query))


def close_task(actor: User, task_id: int, *, dismiss: bool = False, ip: str | None = None) -> Task:
    """Mark one of the actor's tasks done (or dismissed: nothing was left to do),
    audited; one transaction.

    A task the actor does not see is NotFound; closing a closed task changes nothing.
    """
    task = db.session.scalar(_tasks_for(actor).where(Task.id == task_id).with_for_update())
    if task is None:
        raise NotFound("No such task.")
    if task.status == TaskStatus.OPEN:
        task.status = TaskStatus.DISMISSED if dismiss else TaskStatus.DONE
        task.closed_at = utcnow()
        task.closed_by_id = actor.id
        audit.record(
            Actor(actor.id, actor.username, ip),
            AuditAction.TASK_DISMISS if dismiss else AuditAction.TASK_CLOSE,
            "task",
            task.id,
            office_id=task.scope_unit_id,
        )
    db.session.commit()
    return task


def close_tasks_for(dedupe_key: str, *, closed_by: User | None = None) -> int:
    """Close the open task of a fact that is now settled (caller's transaction);
    returns how many were closed (0 or 1). `closed_by` is None when the system did it."""
    result = db.session.execute(
        update(Task)
        .where(Task.dedupe_key == dedupe_key, Task.status == TaskStatus.OPEN)
        .values(
            status=TaskStatus.DONE,
            closed_at=utcnow(),
            closed_by_id=None if closed_by is None else closed_by.id,
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
