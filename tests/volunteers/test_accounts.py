"""Volunteer accounts as volunteers use them: register, log in with any of their names,
log out, and what is kept of their email and phone."""

from __future__ import annotations

from sqlalchemy import func, select, text

from core.db import db
from tests.factories import audit_events
from tests.pages import html
from tests.portal import test_web_harness as harness
from tests.volunteers.factories import (
    CONDUCT,
    VOLUNTEER_PASSWORD,
    make_volunteer,
    volunteer_login,
)
from volunteers.accounts.models import Organisation, Volunteer
from volunteers.vetting.models import Vetting

web = harness.web


def _form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "individual",
        "username": "chen-xiaomei",
        "display_name": "陈小美",
        "email": "Chen.XM@example.org",
        "phone": "199 1234 5678",
        "password": VOLUNTEER_PASSWORD,
        "gender": "female",
        "skills": "心理辅导，法律咨询",
        "languages": ["粤语", "普通话"],
        "towns": ["赤坎镇", "三埠街道"],
        "availability": ["sat-morning", "sun-afternoon"],
        "conduct_version": CONDUCT,
        "conduct_agreed": "y",
    }
    data.update(overrides)
    return data


def _volunteers() -> int:
    return db.session.scalar(select(func.count()).select_from(Volunteer)) or 0


def test_register_then_log_in_with_username_email_or_phone(web, ctx):
    response = web.post("/v/register", data=_form())
    assert response.status_code == 302, html(response)
    assert response.location == "/v/login"

    volunteer = db.session.scalar(select(Volunteer).where(Volunteer.username == "chen-xiaomei"))
    assert volunteer is not None
    assert volunteer.email == "chen.xm@example.org"
    assert volunteer.phone == "19912345678"
    assert volunteer.skills == ["心理辅导", "法律咨询"]
    assert volunteer.languages == ["粤语", "普通话"]
    assert volunteer.towns == ["赤坎镇", "三埠街道"]
    assert volunteer.availability == ["sat-morning", "sun-afternoon"]
    assert volunteer.gender == "female"
    assert volunteer.conduct_version == CONDUCT and volunteer.conduct_agreed_at is not None
    assert db.session.get_one(Vetting, volunteer.id).status == "pending"
    assert [e.object_id for e in audit_events("volunteer.register")] == [str(volunteer.id)]

    for login in ("chen-xiaomei", "CHEN.XM@example.org", "+86 199-1234-5678"):
        volunteer_login(web, login)
        assert "陈小美" in html(web.get("/v/"))
        web.post("/v/logout")
    assert len(audit_events("volunteer.login")) == 3
    assert len(audit_events("volunteer.logout")) == 3


def test_the_home_page_needs_a_login(web, ctx):
    response = web.get("/v/")
    assert response.status_code == 302
    assert response.location.startswith("/v/login")


def test_email_and_phone_are_encrypted_at_rest(web, ctx):
    volunteer_id = make_volunteer(email="secret.person@example.org", phone="19800001111").id
    row = db.session.execute(
        text("SELECT email, phone, email_bidx, phone_bidx FROM volunteer WHERE id = :id"),
        {"id": volunteer_id},
    ).one()
    assert "secret.person" not in row.email and "19800001111" not in row.phone
    assert row.email_bidx and row.phone_bidx
    assert "19800001111" not in repr(db.session.get(Volunteer, volunteer_id))


def test_duplicate_registration_is_refused_in_chinese_and_saves_nothing(web, ctx):
    make_volunteer(username="taken-name", email="taken@example.org", phone="19700002222")
    before = _volunteers()

    cases = [
        (_form(username="Taken-Name", email="a@example.org", phone=""), "用户名已被使用"),
        (_form(username="fresh-one", email="TAKEN@example.org", phone=""), "该邮箱已注册"),
        (_form(username="fresh-two", email="", phone="197-0000-2222"), "该手机号已注册"),
    ]
    for data, message in cases:
        response = web.post("/v/register", data=data)
        assert response.status_code == 200
        assert message in html(response), message
    assert _volunteers() == before


def test_weak_passwords_are_refused_with_a_reason(web, ctx):
    cases = [
        ("short-1", "密码至少需要 10 个字符"),
        ("1234567890", "密码太容易被猜到"),
        ("aaaaaaaaaaaa", "密码太容易被猜到"),
        ("98765432109", "密码不能只有数字"),
        ("chen-xiaomei-2025", "密码不能包含您的用户名"),
    ]
    for password, message in cases:
        response = web.post("/v/register", data=_form(password=password))
        assert response.status_code == 200
        assert message in html(response), password
    assert _volunteers() == 0


def test_the_code_of_conduct_must_be_agreed_and_its_version_is_current(web, ctx):
    refused = web.post("/v/register", data=_form(conduct_agreed=""))
    assert "请阅读并同意志愿者守则" in html(refused)
    stale = web.post("/v/register", data=_form(conduct_version="2019-01"))
    assert "守则已更新" in html(stale)
    assert _volunteers() == 0
    assert "2025-01" in html(web.get("/v/conduct"))


def test_an_email_or_a_phone_is_required_and_checked(web, ctx):
    none = web.post("/v/register", data=_form(email="", phone=""))
    assert "请填写邮箱或手机号" in html(none)
    bad_email = web.post("/v/register", data=_form(email="not-an-email", phone=""))
    assert "请输入有效的邮箱地址" in html(bad_email)
    bad_phone = web.post("/v/register", data=_form(email="", phone="12345"))
    assert "请输入 11 位手机号" in html(bad_phone)
    bad_name = web.post("/v/register", data=_form(username="9lives"))
    assert "用户名以字母开头" in html(bad_name)
    assert _volunteers() == 0


def test_registering_for_an_organisation_names_it_and_a_second_team_account_joins_it(web, ctx):
    first = web.post(
        "/v/register",
        data=_form(
            kind="organisation", organisation_name="江门监狱志愿服务队", organisation_kind="prison"
        ),
    )
    assert first.status_code == 302
    second = web.post(
        "/v/register",
        data=_form(
            kind="organisation",
            organisation_name="江门监狱志愿服务队",
            organisation_kind="prison",
            username="jiangmen-team-2",
            email="team2@example.org",
            phone="",
        ),
    )
    assert second.status_code == 302
    organisations = list(db.session.scalars(select(Organisation)))
    assert [(o.name, o.kind) for o in organisations] == [("江门监狱志愿服务队", "prison")]
    members = db.session.scalars(
        select(Volunteer.kind).where(Volunteer.organisation_id == organisations[0].id)
    )
    assert list(members) == ["organisation", "organisation"]

    nameless = web.post(
        "/v/register",
        data=_form(kind="organisation", username="x-team", email="x@example.org", phone=""),
    )
    assert "请填写组织名称" in html(nameless)


def test_a_wrong_password_is_refused_and_audited_without_the_login_typed(web, ctx):
    volunteer_id = make_volunteer(email="who@example.org").id
    response = web.post(
        "/v/login", data={"login": "who@example.org", "password": "wrong-password-1"}
    )
    assert response.status_code == 200
    assert "登录名或密码错误" in html(response)
    failed = audit_events("volunteer.login_failed")
    assert [e.actor_label for e in failed] == [f"volunteer:{volunteer_id}"]
    unknown = web.post(
        "/v/login", data={"login": "nobody@example.org", "password": "wrong-password-1"}
    )
    assert "登录名或密码错误" in html(unknown)
    labels = [e.actor_label for e in audit_events("volunteer.login_failed")]
    assert labels[-1] == "volunteer:?"
    assert not any("example.org" in label for label in labels)


def test_five_failures_lock_the_account_whichever_name_is_typed(web, ctx):
    make_volunteer(username="lock-me", email="lock@example.org", phone="19600003333")
    names = ["lock-me", "lock@example.org", "19600003333", "lock-me", "lock@example.org"]
    for name in names:
        web.post("/v/login", data={"login": name, "password": "wrong-password-1"})
    blocked = web.post("/v/login", data={"login": "lock-me", "password": VOLUNTEER_PASSWORD})
    assert blocked.status_code == 429
    assert "登录失败次数过多" in html(blocked)


def test_logout_ends_the_session_for_good(web, ctx):
    make_volunteer(username="leaving")
    volunteer_login(web, "leaving")
    cookie = web.get_cookie("kp_volunteer", path="/v")
    assert cookie is not None
    assert web.post("/v/logout").status_code == 302
    assert web.get("/v/").status_code == 302

    # A copy of the old cookie is dead too: the session row is gone.
    copy = harness.new_client(web.application)
    copy.set_cookie("kp_volunteer", cookie.value, path="/v")
    assert copy.get("/v/").status_code == 302


def test_an_inactive_volunteer_cannot_log_in(web, ctx):
    volunteer = make_volunteer(username="closed-account")
    volunteer.active = False
    db.session.commit()
    response = web.post(
        "/v/login", data={"login": "closed-account", "password": VOLUNTEER_PASSWORD}
    )
    assert "登录名或密码错误" in html(response)


def test_next_only_leads_to_volunteer_pages(web, ctx):
    make_volunteer(username="nexty")
    for target, expected in (
        ("/v/conduct", "/v/conduct"),
        ("/persons", "/v/"),
        ("//evil.example/v/", "/v/"),
    ):
        response = web.post(
            f"/v/login?next={target}", data={"login": "nexty", "password": VOLUNTEER_PASSWORD}
        )
        assert response.location == expected
