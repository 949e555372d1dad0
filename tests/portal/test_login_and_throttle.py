"""Staff login, and its throttling with its defaults (docs/operations.md).

5 failures for one account lock it for 60 s; 30 failures from one address in 10
minutes block that address for 60 s (429).
"""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient

from core.db import db, utcnow
from core.staff import update_user
from core.users import Role, User
from tests.factories import PASSWORD, audit_events, make_admin, make_unit, make_user
from tests.pages import english, html, login
from tests.portal import test_web_harness as harness
from tests.portal.test_web_harness import new_client

web = harness.web

WRONG = "not-the-password"
LOCKED = "Too many failed attempts. Wait a minute and try again."


def _attempt(client, username: str, password: str, address: str = "127.0.0.1"):
    return client.post(
        "/login",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def _logged_in(client: FlaskClient) -> bool:
    return client.get("/").status_code == 200


def test_login_redirects_to_the_dashboard(web, ctx):
    user = make_user(Role.OFFICER, make_unit())
    user_id, username, display_name = user.id, user.username, user.display_name

    response = _attempt(web, username, PASSWORD)

    assert response.status_code == 302
    assert response.location == "/"
    assert display_name in html(web.get("/"))
    assert [e.actor_id for e in audit_events("login")] == [user_id]


def test_username_is_matched_case_insensitively(web, ctx):
    username = make_user(Role.AUDITOR).username

    assert _attempt(web, f"  {username.upper()} ", PASSWORD).status_code == 302


def test_wrong_password_shows_an_error_and_is_audited(web, ctx):
    username = make_user(Role.OFFICER, make_unit()).username
    english(web)

    response = _attempt(web, username, WRONG)

    assert response.status_code == 200
    assert "Wrong username or password." in html(response)
    assert not _logged_in(web)
    assert [e.actor_label for e in audit_events("login.failed")] == [username]


def test_unknown_username_gets_the_same_answer_as_a_wrong_password(web, ctx):
    english(web)

    response = _attempt(web, "nobody-here", PASSWORD)

    assert response.status_code == 200
    assert "Wrong username or password." in html(response)
    assert [e.actor_label for e in audit_events("login.failed")] == ["nobody-here"]


def test_five_failures_lock_the_account_even_for_the_right_password(web, ctx, app):
    username = make_user(Role.OFFICER, make_unit()).username
    bystander = make_user(Role.OFFICER, make_unit()).username
    english(web)
    for _ in range(4):
        assert _attempt(web, username, WRONG).status_code == 200
    # Four failures do not lock yet.
    assert _attempt(new_client(app), username, PASSWORD).status_code == 302
    for _ in range(5):
        assert _attempt(web, username, WRONG).status_code == 200

    response = _attempt(web, username, PASSWORD)

    assert response.status_code == 429
    assert LOCKED in html(response)
    assert not _logged_in(web)
    # The lock is the account's, not the address's.
    assert _attempt(new_client(app), bystander, PASSWORD).status_code == 302


def test_thirty_failures_from_one_address_block_it(web, ctx, app):
    # Ten accounts with three failures each: no account reaches its own limit of five.
    usernames = [make_user(Role.AUDITOR).username for _ in range(11)]
    fresh = usernames.pop()
    for attempt in range(29):
        assert _attempt(web, usernames[attempt % 10], WRONG).status_code == 200
    # 29 failures do not block yet.
    assert _attempt(new_client(app), fresh, PASSWORD).status_code == 302
    assert _attempt(web, usernames[9], WRONG).status_code == 200

    blocked = _attempt(new_client(app), fresh, PASSWORD)

    assert blocked.status_code == 429
    # Another address is not blocked.
    assert _attempt(new_client(app), fresh, PASSWORD, address="10.1.2.3").status_code == 302
    assert len(audit_events("login.failed")) == 30


def test_deactivated_user_cannot_log_in(web, ctx):
    admin = make_admin()
    user = make_user(Role.OFFICER, make_unit())
    update_user(admin, user.id, user.role, user.scope_unit_id, False, active=False)
    username = user.username
    english(web)

    response = _attempt(web, username, PASSWORD)

    assert response.status_code == 200
    assert "Wrong username or password." in html(response)
    assert not _logged_in(web)


def test_deactivation_ends_an_open_session(web, ctx):
    admin_id = make_admin().id
    user = make_user(Role.OFFICER, make_unit())
    user_id, role, scope = user.id, user.role, user.scope_unit_id
    login(web, user.username)
    assert _logged_in(web)

    update_user(db.session.get_one(User, admin_id), user_id, role, scope, False, active=False)

    response = web.get("/persons")
    assert response.status_code == 302
    assert response.location.startswith("/login")


def test_changing_own_password_ends_the_other_sessions(web, ctx, app):
    user = make_user(Role.SOCIAL_WORKER, make_unit())
    # The session id carries the password's change time in whole seconds: start from a
    # password set a while ago, as real accounts do.
    user.password_changed_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    username = user.username
    elsewhere = new_client(app)
    login(web, username)
    login(elsewhere, username)

    response = web.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "a-new-long-password"},
    )

    assert response.status_code == 302
    assert _logged_in(web)
    assert not _logged_in(elsewhere)
    assert _attempt(new_client(app), username, PASSWORD).status_code == 200
    login(new_client(app), username, "a-new-long-password")


def _change_password(client, current: str, address: str = "127.0.0.1"):
    return client.post(
        "/account/password",
        data={"current_password": current, "new_password": "a-new-long-password"},
        environ_base={"REMOTE_ADDR": address},
    )


def test_guessing_the_current_password_locks_the_account_like_a_login(web, ctx, app):
    user = make_user(Role.OFFICER, make_unit())
    user_id, username = user.id, user.username
    login(web, username)
    english(web)
    for _ in range(4):
        assert _change_password(web, WRONG).status_code == 200
    assert _attempt(new_client(app), username, WRONG).status_code == 200  # the 5th failure

    blocked = _change_password(web, PASSWORD)

    assert blocked.status_code == 429
    assert LOCKED in html(blocked)
    assert _attempt(new_client(app), username, PASSWORD).status_code == 429
    failures = audit_events("user.change_password.failed", user_id)
    assert [(e.actor_id, e.ip) for e in failures] == [(user_id, "127.0.0.1")] * 4
    assert audit_events("user.change_password") == []


def test_changing_the_password_clears_the_count_of_failures(web, ctx, app):
    user = make_user(Role.OFFICER, make_unit())
    user_id, username = user.id, user.username
    login(web, username)
    for _ in range(4):
        assert _change_password(web, WRONG).status_code == 200

    assert _change_password(web, PASSWORD).status_code == 302

    # Four more failures would have locked it, had the earlier four still counted.
    for _ in range(4):
        assert _attempt(new_client(app), username, WRONG).status_code == 200
    login(new_client(app), username, "a-new-long-password")
    assert [e.actor_id for e in audit_events("user.change_password", user_id)] == [user_id]
