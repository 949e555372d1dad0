"""Fundraising projects: saved, opened and closed by the staff who run them, needs listed on
them; each step is on the audit record with who took it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.audit_actions import AuditAction
from core.db import db
from donations.projects.models import NeedListing, Project, ProjectStatus
from donations.projects.services import list_need_on_project, set_project_status
from tests.donations.factories import list_need, make_project
from tests.factories import (
    audit_events,
    audit_trail,
    fresh,
    make_admin,
    make_office,
    published_need,
)
from tests.pages import english, login

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


def test_several_published_needs_are_listed_at_once_each_on_the_record(client):
    admin = make_admin()
    admin_id, username = admin.id, admin.username
    project_id = make_project(admin)
    office = make_office()
    first, second = published_need(office), published_need(office)
    already = published_need(office)
    list_need_on_project(admin, already, make_project(admin))
    login(client, username)
    english(client)
    page = client.get(f"/projects/{project_id}").get_data(as_text=True)
    assert 'id="bulk-listing"' in page and f'name="need_id" value="{first}"' in page

    response = client.post(
        f"/projects/{project_id}/listings",
        data={"need_id": [str(first), str(already), "99999999", str(second)]},
        follow_redirects=True,
    )

    shown = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 done, 2 refused." in shown
    assert f"No. {already}: This need is already listed." in shown
    assert "No. 99999999: No such need or project." in shown
    listed = {
        listing.need_id
        for listing in db.session.scalars(
            select(NeedListing).where(NeedListing.project_id == project_id)
        )
    }
    assert listed == {first, second}
    for need_id in (first, second):
        [event] = audit_events(AuditAction.NEED_LIST, need_id)
        assert (event.actor_id, event.detail) == (admin_id, {"project": project_id})
