"""Partner and base-contact accounts: linked to what they speak for, from the command line
or the admin's user page, and usable only within their access period."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from core.audit_actions import AuditAction
from core.db import db
from core.errors import PermissionDenied, ValidationFailed
from core.sessions import StaffSession
from core.tasks.models import Task
from core.timeutil import local_today
from core.users import Role, User
from jobs_bases.partners.access import expire_and_remind, renew_access
from jobs_bases.partners.models import StaffLink
from jobs_bases.partners.services import linked_base_id, linked_partner_id
from tests.factories import PASSWORD, audit_events, make_admin, make_unit, make_user
from tests.jobs_bases.factories import (
    make_base_contact,
    make_base_row,
    make_partner,
    make_partner_user,
)
from tests.pages import english, html, login


def _create(ctx, *args: str):
    return ctx.test_cli_runner().invoke(
        args=["create-user", "--display-name", "X", *args], input=f"{PASSWORD}\n{PASSWORD}\n"
    )


def _user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def test_create_user_links_a_partner_account_by_name(ctx):
    partner = make_partner("开平市人社局培训股")

    result = _create(
        ctx, "--username", "lb-one", "--role", "training_partner", "--partner", partner.name
    )

    assert result.exit_code == 0, result.output
    user = _user("lb-one")
    assert user is not None and linked_partner_id(user) == partner.id
    # Nothing is scheduled yet: the grace period applies.
    assert user.access_until == local_today() + timedelta(days=30)
    [linked] = audit_events(AuditAction.USER_LINK, user.id)
    assert linked.detail["partner"] == partner.id


def test_create_user_links_a_base_contact_by_id(ctx):
    base = make_base_row()

    result = _create(ctx, "--username", "bc-one", "--role", "base_contact", "--base", str(base.id))

    assert result.exit_code == 0, result.output
    user = _user("bc-one")
    assert user is not None and linked_base_id(user) == base.id
    assert linked_partner_id(user) is None


def test_a_refused_link_creates_no_account(ctx):
    base = make_base_row()
    partner = make_partner()

    unknown = _create(ctx, "--username", "bc-two", "--role", "base_contact", "--base", "无此基地")
    wrong_role = _create(ctx, "--username", "of-two", "--role", "auditor", "--base", str(base.id))
    missing = _create(ctx, "--username", "lb-two", "--role", "training_partner")
    mixed = _create(
        ctx, "--username", "bc-three", "--role", "base_contact", "--partner", str(partner.id)
    )

    assert unknown.exit_code != 0 and "No base is called" in unknown.output
    assert wrong_role.exit_code != 0 and "Only base-contact accounts" in wrong_role.output
    assert missing.exit_code != 0 and "needs --partner" in missing.output
    assert mixed.exit_code != 0
    for name in ("bc-two", "of-two", "lb-two", "bc-three"):
        assert _user(name) is None
    assert db.session.scalar(select(StaffLink).where(StaffLink.base_id == base.id)) is None


def test_login_is_refused_after_the_access_period(web, ctx):
    contact = make_base_contact(make_base_row())
    until = contact.access_until = local_today() - timedelta(days=1)
    contact_id, username = contact.id, contact.username
    db.session.commit()
    english(web)

    response = web.post("/login", data={"username": username, "password": PASSWORD})

    assert response.status_code == 200
    assert "Your access ended on" in html(response) and str(until) in html(response)
    [refused] = audit_events(AuditAction.LOGIN_ACCESS_ENDED, contact_id)
    assert refused.detail["access_until"] == str(until)
    assert all(event.actor_id != contact_id for event in audit_events(AuditAction.LOGIN))
    assert web.get("/").status_code == 302


def test_the_last_day_still_logs_in(web, ctx):
    contact = make_base_contact(make_base_row())
    contact.access_until = local_today()
    db.session.commit()

    login(web, contact.username)

    assert web.get("/").status_code == 200


def test_a_running_session_ends_at_the_next_request_after_expiry(web, ctx):
    contact_id = make_base_contact(make_base_row()).id
    login(web, db.session.get_one(User, contact_id).username)
    english(web)
    assert web.get("/").status_code == 200

    db.session.execute(
        update(User)
        .where(User.id == contact_id)
        .values(access_until=local_today() - timedelta(days=1))
    )
    db.session.commit()
    response = web.get("/")

    assert response.status_code == 302 and response.location.startswith("/login")
    assert "Your access ended on" in html(web.get(response.location))
    assert db.session.scalar(select(StaffSession).where(StaffSession.user_id == contact_id)) is None
    assert audit_events(AuditAction.SESSION_ACCESS_ENDED, contact_id)


def test_admin_renews_on_the_user_page(web, ctx):
    admin = make_admin().username
    partner_user = make_partner_user().id
    until = local_today() + timedelta(days=90)
    login(web, admin)

    page = web.get(f"/admin/users/{partner_user}")
    assert page.status_code == 200 and 'id="partner-access"' in html(page)
    response = web.post(
        f"/partners/accounts/{partner_user}/renew", data={"renew-until": until.isoformat()}
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get_one(User, partner_user).access_until == until
    [renewed] = audit_events(AuditAction.USER_ACCESS_RENEW, partner_user)
    assert renewed.detail["until"] == until.isoformat()


@pytest.mark.parametrize("days", [-1, 400, None])
def test_renewal_refuses_bad_dates(ctx, days):
    admin = make_admin()
    partner_user = make_partner_user()
    before = partner_user.access_until
    until = None if days is None else local_today() + timedelta(days=days)

    with pytest.raises(ValidationFailed):
        renew_access(admin, partner_user.id, until)
    db.session.rollback()

    assert db.session.get_one(User, partner_user.id).access_until == before


def test_only_admins_renew(ctx):
    partner_user = make_partner_user()
    officer = make_user(Role.OFFICER, make_unit())

    with pytest.raises(PermissionDenied):
        renew_access(officer, partner_user.id, local_today())


def test_the_job_ends_lapsed_sessions_and_reminds_admins(web, ctx):
    lapsed_id = make_base_contact(make_base_row()).id
    soon_id = make_partner_user().id
    login(web, db.session.get_one(User, lapsed_id).username)
    lapsed = db.session.get_one(User, lapsed_id)
    soon = db.session.get_one(User, soon_id)
    lapsed.access_until = local_today() - timedelta(days=2)
    soon.access_until = local_today() + timedelta(days=3)
    db.session.commit()

    assert expire_and_remind() == 1
    assert db.session.scalar(select(StaffSession).where(StaffSession.user_id == lapsed.id)) is None
    [task] = db.session.scalars(select(Task).where(Task.kind == "partner_access")).all()
    assert task.assignee_role == Role.ADMIN and task.link == f"/admin/users/{soon.id}"
    expire_and_remind()
    assert len(db.session.scalars(select(Task).where(Task.kind == "partner_access")).all()) == 1
