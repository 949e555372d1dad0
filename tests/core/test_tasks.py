"""Tasks (待办): each user sees their own and their role's within their scope, never
another office's; the same fact opens one task; closing records who and when."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from core.audit import AuditEvent
from core.db import db
from core.errors import NotFound
from core.orgs import UnitKind
from core.tasks.models import Task, TaskStatus
from core.tasks.services import (
    Assignee,
    close_task,
    close_tasks_for,
    create_task,
    open_task_count,
    open_tasks_for,
)
from core.users import Role
from tests.factories import make_unit, make_user

pytestmark = pytest.mark.usefixtures("ctx")


def task(key: str, assignee: Assignee, due_on: date | None = None) -> Task:
    opened = create_task(
        kind="review",
        dedupe_key=key,
        title="Review the need %(alias)s",
        title_params={"alias": "A123"},
        link="/needs/1",
        assignee=assignee,
        due_on=due_on,
    )
    db.session.commit()
    return opened


def keys(tasks: list[Task]) -> list[str]:
    return [t.dedupe_key for t in tasks]


def test_an_officer_never_sees_another_offices_tasks():
    bureau = make_unit(UnitKind.BUREAU, town=None)
    office_a, office_b = make_unit(parent=bureau), make_unit(parent=bureau)
    officer_a, officer_b = make_user(Role.OFFICER, office_a), make_user(Role.OFFICER, office_b)
    county_officer = make_user(Role.OFFICER, bureau)
    task("need:1", Assignee.to_role(Role.OFFICER, office_a.id))
    task("need:2", Assignee.to_role(Role.OFFICER, office_b.id))

    assert keys(open_tasks_for(officer_a)) == ["need:1"]
    assert keys(open_tasks_for(officer_b)) == ["need:2"]
    # A scope over the whole bureau covers every office beneath it.
    assert sorted(keys(open_tasks_for(county_officer))) == ["need:1", "need:2"]
    assert open_task_count(officer_a) == 1


def test_a_role_task_is_for_that_role_only():
    office = make_unit()
    officer, social_worker = make_user(Role.OFFICER, office), make_user(Role.SOCIAL_WORKER, office)
    task("need:3", Assignee.to_role(Role.OFFICER, office.id))

    assert keys(open_tasks_for(officer)) == ["need:3"]
    assert open_tasks_for(social_worker) == []


def test_finance_sees_the_finance_tasks_and_others_do_not():
    first, second = make_user(Role.FINANCE), make_user(Role.FINANCE)
    officer = make_user(Role.OFFICER, make_unit())
    task("payout:1", Assignee.to_role(Role.FINANCE))

    assert keys(open_tasks_for(first)) == keys(open_tasks_for(second)) == ["payout:1"]
    assert open_tasks_for(officer) == []


def test_a_task_for_a_user_is_seen_by_that_user_alone():
    office = make_unit()
    mine, colleague = make_user(Role.OFFICER, office), make_user(Role.OFFICER, office)
    task("visit:1", Assignee.to_user(mine.id))

    assert keys(open_tasks_for(mine)) == ["visit:1"]
    assert open_tasks_for(colleague) == []


def test_tasks_are_listed_soonest_due_first_and_undated_last():
    finance = make_user(Role.FINANCE)
    task("undated", Assignee.to_role(Role.FINANCE))
    task("later", Assignee.to_role(Role.FINANCE), date(2031, 5, 1))
    task("sooner", Assignee.to_role(Role.FINANCE), date(2031, 4, 1))

    assert keys(open_tasks_for(finance)) == ["sooner", "later", "undated"]


def test_the_same_fact_opens_one_task_while_it_is_open():
    finance = make_user(Role.FINANCE)
    first = task("receipt:9", Assignee.to_role(Role.FINANCE))
    again = task("receipt:9", Assignee.to_role(Role.FINANCE))

    assert again.id == first.id
    count = select(func.count()).select_from(Task).where(Task.dedupe_key == "receipt:9")
    assert db.session.scalar(count) == 1

    close_task(finance, first.id)
    reopened = task("receipt:9", Assignee.to_role(Role.FINANCE))
    assert reopened.id != first.id and reopened.status == TaskStatus.OPEN


def test_a_task_opens_in_the_callers_transaction():
    create_task(
        kind="review",
        dedupe_key="rolled-back",
        title="Review",
        link="/needs",
        assignee=Assignee.to_role(Role.FINANCE),
    )
    db.session.rollback()

    assert open_tasks_for(make_user(Role.FINANCE)) == []


def test_closing_records_who_and_when_and_is_audited():
    finance, other = make_user(Role.FINANCE), make_user(Role.FINANCE)
    opened = task("payout:2", Assignee.to_role(Role.FINANCE))

    closed = close_task(finance, opened.id, ip="10.0.0.8")
    close_task(other, opened.id)  # already done: nothing changes

    assert closed.status == TaskStatus.DONE and closed.closed_at is not None
    assert db.session.get_one(Task, opened.id).closed_by_id == finance.id
    assert open_tasks_for(other) == []
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "task.close")).all()
    assert [(e.actor_id, e.object_id) for e in events] == [(finance.id, str(opened.id))]


def test_a_task_outside_ones_scope_cannot_be_closed():
    office_a, office_b = make_unit(), make_unit()
    opened = task("need:4", Assignee.to_role(Role.OFFICER, office_a.id))

    for stranger in (make_user(Role.OFFICER, office_b), make_user(Role.FINANCE)):
        with pytest.raises(NotFound):
            close_task(stranger, opened.id)
    assert db.session.get_one(Task, opened.id).status == TaskStatus.OPEN


def test_settling_the_fact_closes_its_open_task():
    finance = make_user(Role.FINANCE)
    task("proposal:3", Assignee.to_role(Role.FINANCE))

    assert close_tasks_for("proposal:3", closed_by=finance) == 1
    assert close_tasks_for("proposal:3") == 0
    db.session.commit()

    assert open_tasks_for(finance) == []
    closed = db.session.scalars(select(Task).where(Task.dedupe_key == "proposal:3")).one()
    assert closed.closed_by_id == finance.id


@pytest.mark.parametrize(
    ("assignee", "link"),
    [
        (Assignee.to_role(Role.OFFICER), "/needs"),  # an officer task without an office
        (Assignee(user_id=1, role=Role.FINANCE), "/needs"),  # two assignees
        (Assignee(), "/needs"),  # nobody
        (Assignee.to_role(Role.FINANCE), "https://example.com/"),  # off the portal
        (Assignee.to_role(Role.FINANCE), "//example.com/"),
    ],
)
def test_a_task_without_a_clear_assignee_or_with_an_outside_link_is_refused(assignee, link):
    with pytest.raises(ValueError):
        create_task(kind="x", dedupe_key="bad", title="x", link=link, assignee=assignee)
