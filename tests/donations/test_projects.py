"""Fundraising projects: saved, opened and closed by the staff who run them, needs listed on
them; each step is on the audit record with who took it."""

from __future__ import annotations

import pytest

from core.audit_actions import AuditAction
from donations.projects.models import NeedListing, Project, ProjectStatus
from donations.projects.services import set_project_status
from tests.donations.factories import list_need, make_project
from tests.factories import audit_events, audit_trail, fresh, make_admin, make_office
from tests.pages import login

pytestmark = pytest.mark.usefixtures("ctx")


def test_saving_opening_closing_and_redrafting_a_project_are_on_the_record():
    admin = make_admin()
    project_id = make_project(admin)

    set_project_status(admin, project_id, ProjectStatus.CLOSED)
    set_project_status(admin, project_id, ProjectStatus.DRAFT)

    assert fresh(Project, project_id).status == ProjectStatus.DRAFT
    assert audit_trail("project", project_id) == [
        (AuditAction.PROJECT_SAVE, admin.id),
        (AuditAction.PROJECT_ACTIVE, admin.id),
        (AuditAction.PROJECT_CLOSED, admin.id),
        (AuditAction.PROJECT_DRAFT, admin.id),
    ]


def test_closing_a_project_on_its_page_is_on_the_record(client):
    admin = make_admin()
    admin_id, username = admin.id, admin.username
    project_id = make_project(admin)
    login(client, username)

    response = client.post(f"/projects/{project_id}/status/closed")

    assert response.status_code == 302
    assert fresh(Project, project_id).status == ProjectStatus.CLOSED
    [closed] = audit_events(AuditAction.PROJECT_CLOSED, project_id)
    assert closed.actor_id == admin_id


def test_listing_a_need_on_a_project_is_on_the_record_with_the_project():
    admin = make_admin()
    project_id = make_project(admin)

    listing_id = list_need(make_office(), project_id, 50_000, lister=admin)

    [listed] = audit_events(AuditAction.NEED_LIST, fresh(NeedListing, listing_id).need_id)
    assert (listed.actor_id, listed.object_type, listed.detail) == (
        admin.id,
        "need",
        {"project": project_id},
    )
