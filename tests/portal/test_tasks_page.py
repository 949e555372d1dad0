"""`/tasks`: the open tasks of the signed-in user, done or dismissed by POST, audited;
another office's task is neither listed nor closable."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from core.audit_actions import AuditAction
from core.db import db
from core.tasks.models import Task, TaskStatus
from core.tasks.services import Assignee, create_task
from core.timeutil import local_today
from core.users import Role
from tests.factories import PASSWORD, TOWN_B, audit_events, fresh, make_office, make_unit, make_user
from tests.pages import html, login
from tests.portal import test_web_harness as harness
from tests.portal.test_csrf import csrf_on  # noqa: F401  (the fixture)

web = harness.web


def office_task(unit_id: int, key: str, kind: str = "training_offer", days: int = 1) -> int:
    task = create_task(
        kind=kind,
        dedupe_key=key,
        title="Retention follow-up: is the person of referral %(id)s still employed "
        "(%(months)s months)?",
        title_params={"id": key, "months": 3},
        link="/jobs/referrals",
        assignee=Assignee.to_role(Role.OFFICER, unit_id),
        due_on=local_today() + timedelta(days=days),
    )
    db.session.commit()
    return task.id


def signed_in(app: Flask, username: str) -> FlaskClient:
    client = harness.new_client(app)
    login(client, username)
    return client


def test_the_tasks_page_lists_the_offices_tasks_translated_and_filtered(web, app, ctx):
    office, other = make_office(), make_office(TOWN_B)
    offer = office_task(office.unit_id, "R-1")
    follow_up = office_task(office.unit_id, "R-2", kind="retention_follow_up", days=5)
    theirs = office_task(other.unit_id, "R-3")
    client = signed_in(app, office.author.username)

    page = html(client.get("/tasks"))

    assert f'id="task-{offer}"' in page and f'id="task-{follow_up}"' in page
    assert f'id="task-{theirs}"' not in page
    assert "在岗回访" in page  # the title's msgid, shown in Chinese
    only_offers = html(client.get("/tasks?kind=training_offer&due=soon"))
    assert f'id="task-{offer}"' in only_offers and f'id="task-{follow_up}"' not in only_offers
    assert 'id="tasks-filter"' in only_offers


def test_done_and_dismiss_close_the_task_and_are_audited(web, app, ctx):
    office = make_office()
    done, dismissed = office_task(office.unit_id, "R-1"), office_task(office.unit_id, "R-2")
    author_id = office.author.id
    client = signed_in(app, office.author.username)

    assert client.post(f"/tasks/{done}/done").status_code == 302
    response = client.post(f"/tasks/{dismissed}/dismiss", follow_redirects=True)

    assert "待办已忽略。" in html(response)
    assert (fresh(Task, done).status, fresh(Task, done).closed_by_id) == (
        TaskStatus.DONE,
        author_id,
    )
    assert fresh(Task, dismissed).status == TaskStatus.DISMISSED
    assert audit_events(AuditAction.TASK_CLOSE, done)
    assert audit_events(AuditAction.TASK_DISMISS, dismissed)
    page = html(client.get("/tasks"))
    assert f'id="task-{done}"' not in page and "没有待办事项。" in page


def test_another_offices_task_is_not_found(web, app, ctx):
    office = make_office()
    task_id = office_task(office.unit_id, "R-1")
    stranger = make_user(Role.OFFICER, make_unit(town=TOWN_B)).username
    client = signed_in(app, stranger)

    assert client.post(f"/tasks/{task_id}/done").status_code == 404
    assert client.post(f"/tasks/{task_id}/dismiss").status_code == 404
    assert fresh(Task, task_id).status == TaskStatus.OPEN


def test_closing_a_task_needs_the_csrf_token(web, app, ctx, csrf_on):  # noqa: F811
    office = make_office()
    task_id = office_task(office.unit_id, "R-1")
    token = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
    client = harness.new_client(app)
    login_form = token.search(html(client.get("/login")))
    assert login_form is not None
    client.post(
        "/login",
        data={
            "username": office.author.username,
            "password": PASSWORD,
            "csrf_token": login_form.group(1),
        },
    )

    assert client.post(f"/tasks/{task_id}/done").status_code == 400
    assert fresh(Task, task_id).status == TaskStatus.OPEN
    form = token.search(html(client.get("/tasks")))
    assert form is not None
    response = client.post(f"/tasks/{task_id}/done", data={"csrf_token": form.group(1)})
    assert response.status_code == 302 and fresh(Task, task_id).status == TaskStatus.DONE


def test_a_dismissed_task_is_not_raised_again_by_its_job(web, app, ctx):
    office = make_office()
    task_id = office_task(office.unit_id, "R-1")
    client = signed_in(app, office.author.username)
    client.post(f"/tasks/{task_id}/dismiss")

    again = office_task(office.unit_id, "R-1")

    assert again == task_id and fresh(Task, task_id).status == TaskStatus.DISMISSED
    assert f'id="task-{task_id}"' not in html(client.get("/tasks"))
