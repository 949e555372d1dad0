"""The audit log page: entries named in words, filtered by action, and reading it is recorded."""

from __future__ import annotations

from core.audit_actions import AuditAction
from core.users import Role
from tests.factories import audit_events, make_person, make_unit, make_user
from tests.pages import english, html, login
from tests.portal import test_web_harness as harness

web = harness.web


def test_auditor_reads_entries_by_their_label_not_their_code(web, ctx):
    office = make_unit()
    person_id = make_person(make_user(Role.OFFICER, office), office).id
    auditor = make_user(Role.AUDITOR)
    auditor_id = auditor.id
    login(web, auditor.username)
    english(web)

    page = html(web.get("/audit", query_string={"object_id": str(person_id)}))

    assert "<td>Person registered</td>" in page
    assert 'title="person.create"' not in page
    [viewed] = audit_events(AuditAction.AUDIT_VIEW)
    assert (viewed.actor_id, viewed.object_type) == (auditor_id, None)
    assert viewed.detail == {"filters": {"object_id": str(person_id)}}


def test_the_action_filter_offers_every_action_by_its_label(web, ctx):
    login(web, make_user(Role.ADMIN).username)
    english(web)

    page = html(web.get("/audit", query_string={"action": "need.publish"}))

    for action in AuditAction:
        assert f'<option value="{action.value}"' in page
    assert '<option value="need.publish" selected>Need published</option>' in page


def test_officers_cannot_read_the_audit_log(web, ctx):
    login(web, make_user(Role.OFFICER, make_unit()).username)

    assert web.get("/audit").status_code == 404
    assert audit_events(AuditAction.AUDIT_VIEW) == []
