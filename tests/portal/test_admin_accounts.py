"""Staff accounts: administrators manage them; everyone changes their own password."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.db import db
from core.users import Role, User
from tests.factories import PASSWORD, audit_events, make_admin, make_unit, make_user
from tests.pages import english, html, login
from tests.portal import test_web_harness as harness
from tests.portal.test_web_harness import new_client

web = harness.web

NEW_PASSWORD = "another-long-password"


def _user(user_id: int) -> User:
    db.session.expire_all()
    return db.session.get_one(User, user_id)


def _by_username(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def _login_status(app, username: str, password: str) -> int:
    return (
        new_client(app)
        .post("/login", data={"username": username, "password": password})
        .status_code
    )


@pytest.fixture()
def admin(web, ctx) -> int:
    user = make_admin()
    user_id = user.id
    login(web, user.username)
    english(web)
    return user_id


def _account_form(user: User, **changes: str | None) -> dict[str, str]:
    data: dict[str, str | None] = {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "scope_unit_id": str(user.scope_unit_id or 0),
        "juvenile_permission": "y" if user.juvenile_permission else None,
        "active": "y" if user.active else None,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_admin_creates_an_account_and_it_is_audited(web, admin, app):
    office_id = make_unit().id

    response = web.post(
        "/admin/users/new",
        data={
            "username": "officer-tangkou",
            "display_name": "塘口司法所 李警官",
            "role": "officer",
            "scope_unit_id": str(office_id),
            "password": "first-long-password",
        },
    )

    assert response.status_code == 302
    created = _by_username("officer-tangkou")
    assert created is not None
    assert response.location == f"/admin/users/{created.id}"
    assert (created.role, created.scope_unit_id, created.active) == ("officer", office_id, True)
    events = audit_events("user.create", created.id)
    assert [(e.actor_id, e.detail["role"]) for e in events] == [(admin, "officer")]
    assert _login_status(app, "officer-tangkou", "first-long-password") == 302


def test_an_officer_account_needs_an_office_scope(web, admin):
    response = web.post(
        "/admin/users/new",
        data={
            "username": "officer-noscope",
            "display_name": "No scope",
            "role": "officer",
            "scope_unit_id": "0",
            "password": "first-long-password",
        },
    )

    assert response.status_code == 200
    assert "Officers and social workers need an office scope." in html(response)
    assert _by_username("officer-noscope") is None


def test_admin_changes_role_and_scope(web, admin):
    office_a, office_b = make_unit(), make_unit(town="水口镇")
    user = make_user(Role.OFFICER, office_a)
    user_id, office_b_id = user.id, office_b.id
    form = _account_form(user, role="social_worker", scope_unit_id=str(office_b_id))

    response = web.post(f"/admin/users/{user_id}", data=form)

    assert response.status_code == 302
    changed = _user(user_id)
    assert (changed.role, changed.scope_unit_id, changed.active) == (
        "social_worker",
        office_b_id,
        True,
    )
    [event] = audit_events("user.update", user_id)
    assert event.detail["changes"] == {"role": "social_worker", "scope": str(office_b_id)}


def test_deactivated_account_can_no_longer_log_in(web, admin, app):
    user = make_user(Role.OFFICER, make_unit())
    user_id, username = user.id, user.username
    form = _account_form(user, active=None)
    signed_in = new_client(app)
    login(signed_in, username)

    assert web.post(f"/admin/users/{user_id}", data=form).status_code == 302

    assert _user(user_id).active is False
    assert _login_status(app, username, PASSWORD) == 200
    assert signed_in.get("/").status_code == 302


def test_admin_cannot_deactivate_themself(web, admin):
    me = _user(admin)

    response = web.post(f"/admin/users/{admin}", data=_account_form(me, active=None))

    assert response.status_code == 200
    assert "You cannot deactivate yourself or drop your own admin role." in html(response)
    assert _user(admin).active is True


def test_admin_resets_a_password(web, admin, app):
    user = make_user(Role.FINANCE)
    user_id, username = user.id, user.username

    response = web.post(f"/admin/users/{user_id}/password", data={"password": NEW_PASSWORD})

    assert response.status_code == 302
    assert _login_status(app, username, PASSWORD) == 200
    assert _login_status(app, username, NEW_PASSWORD) == 302
    assert [e.actor_id for e in audit_events("user.reset_password", user_id)] == [admin]


def test_a_too_short_reset_password_is_refused(web, admin, app):
    user = make_user(Role.FINANCE)
    user_id, username = user.id, user.username

    response = web.post(
        f"/admin/users/{user_id}/password", data={"password": "short"}, follow_redirects=True
    )

    assert "Field must be between 10 and 256 characters long." in html(response)
    assert _login_status(app, username, PASSWORD) == 302
    assert audit_events("user.reset_password") == []


NON_ADMINS = [r for r in Role if r != Role.ADMIN]


@pytest.mark.parametrize("role", NON_ADMINS, ids=[r.value for r in NON_ADMINS])
def test_non_admins_do_not_see_account_administration(web, ctx, role):
    office = make_unit()
    user = make_user(role, office if role in (Role.OFFICER, Role.SOCIAL_WORKER) else None)
    user_id = user.id
    login(web, user.username)

    for url in ("/admin/users", "/admin/users/new", f"/admin/users/{user_id}"):
        assert web.get(url).status_code == 404, url
    promote = web.post(f"/admin/users/{user_id}", data={"role": "admin", "active": "y"})
    assert promote.status_code == 404
    reset = web.post(f"/admin/users/{user_id}/password", data={"password": NEW_PASSWORD})
    assert reset.status_code == 404
    assert _user(user_id).role == role.value
    assert 'href="/admin/users"' not in html(web.get("/"))


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_every_user_changes_their_own_password(web, ctx, app, role):
    office = make_unit()
    user = make_user(role, office if role in (Role.OFFICER, Role.SOCIAL_WORKER) else None)
    user_id, username = user.id, user.username
    login(web, username)
    english(web)
    assert web.get("/account/password").status_code == 200

    wrong = web.post(
        "/account/password",
        data={"current_password": "not-my-password", "new_password": NEW_PASSWORD},
    )

    assert wrong.status_code == 200
    assert "The current password is wrong." in html(wrong)
    assert audit_events("user.change_password") == []
    changed = web.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert _login_status(app, username, NEW_PASSWORD) == 302
    assert [e.actor_id for e in audit_events("user.change_password", user_id)] == [user_id]


def test_the_new_account_form_preselects_no_role(web, admin):
    page = html(web.get("/admin/users/new"))

    role_select = page[
        page.index('<select id="role"') : page.index("</select>", page.index('<select id="role"'))
    ]
    assert "selected" not in role_select
    assert role_select.index('value=""') < role_select.index('value="admin"')


def test_an_account_without_a_chosen_role_is_refused(web, admin):
    response = web.post(
        "/admin/users/new",
        data={
            "username": "new-colleague",
            "display_name": "新同事",
            "role": "",
            "scope_unit_id": "0",
            "password": "first-long-password",
        },
    )

    assert response.status_code == 200
    assert "Choose a role." in html(response)
    assert _by_username("new-colleague") is None
