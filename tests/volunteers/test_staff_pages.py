"""The coordinator's pages: navigation, dashboard counts, and bad input answered with a
clear Chinese message, never a 500, nothing half-saved."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.db import db
from core.timeutil import local_today
from tests.factories import audit_events
from tests.pages import html, login
from tests.portal import test_web_harness as harness
from tests.volunteers.factories import make_coordinator, make_setting, make_volunteer
from volunteers.programmes.models import Programme, Shift
from volunteers.vetting.models import Vetting

web = harness.web


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_the_coordinator_has_volunteers_programs_and_activities_in_the_nav_and_counts(web, ctx):
    make_volunteer()
    coordinator = make_coordinator()
    login(web, coordinator.username)
    page = html(web.get("/"))
    for href, label in (
        ("/volunteers", "志愿者"),
        ("/programs", "志愿项目"),
        ("/activities", "志愿活动"),
    ):
        assert f'href="{href}"' in page and label in page
    assert "待审核的志愿者" in page and "待审核的志愿服务时长" in page


def test_shift_form_errors_are_shown_and_nothing_is_saved(web, ctx):
    setting = make_setting()
    login(web, setting.coordinator.username)
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    yesterday = (local_today() - timedelta(days=1)).isoformat()
    base = {
        "day": tomorrow,
        "starts": "09:00",
        "ends": "11:00",
        "place": "三埠街道司法所",
        "town": "",
        "capacity": "5",
    }
    cases = [
        ({"ends": "08:00"}, "班次的结束时间须晚于开始时间"),
        ({"day": yesterday}, "新班次的开始时间须在将来"),
        ({"capacity": "0"}, "介于 1 到 500 之间"),
        ({"capacity": "abc"}, "整数"),
        ({"day": "2025-02-30"}, "不是有效的日期"),
        ({"town": "火星镇"}, "不是有效的选择"),
        ({"place": "   "}, "必填"),
    ]
    for change, message in cases:
        response = web.post(f"/activities/{setting.activity_id}/shifts", data={**base, **change})
        assert response.status_code == 200, change
        assert message in html(response), (change, html(response)[-3000:])
    assert _count(Shift) == 0


def test_a_duplicate_programme_name_is_refused(web, ctx):
    setting = make_setting()
    name = db.session.get_one(Programme, setting.programme_id).name
    login(web, setting.coordinator.username)
    response = web.post("/programs/new", data={"name": name})
    assert "已有同名项目" in html(response)
    assert _count(Programme) == 1


def test_approving_without_the_checks_is_refused_on_the_page(web, ctx):
    volunteer_id = make_volunteer().id
    login(web, make_coordinator().username)
    response = web.post(
        f"/volunteers/{volunteer_id}/decision", data={"outcome": "approve", "reason": "ok"}
    )
    assert response.status_code == 200
    assert "审核通过前，须先记录" in html(response)
    no_reason = web.post(
        f"/volunteers/{volunteer_id}/decision", data={"outcome": "reject", "reason": ""}
    )
    assert "必填" in html(no_reason) or "请填写" in html(no_reason)
    empty_note = web.post(
        f"/volunteers/{volunteer_id}/steps", data={"step": "documents", "note": ""}
    )
    assert "请写明核查了什么" in html(empty_note)
    bogus = web.post(
        f"/volunteers/{volunteer_id}/decision", data={"outcome": "promote", "reason": "x"}
    )
    assert bogus.status_code == 200
    assert db.session.get_one(Vetting, volunteer_id).status == "pending"
    assert web.get("/volunteers/999999").status_code == 404


def test_the_volunteer_record_shows_contact_masked_until_revealed(web, ctx):
    volunteer_id = make_volunteer(email="zhang.volunteer@example.org", phone="19688889999").id
    login(web, make_coordinator().username)
    page = html(web.get(f"/volunteers/{volunteer_id}"))
    assert "19688889999" not in page and "196****9999" in page
    assert "zhang.volunteer" not in page
    assert audit_events("volunteer.view", volunteer_id)
    revealed = html(web.post(f"/volunteers/{volunteer_id}/reveal"))
    assert "19688889999" in revealed and "zhang.volunteer@example.org" in revealed
    assert audit_events("volunteer.reveal", volunteer_id)


def test_declining_hours_needs_a_reason_on_the_page(web, ctx):
    setting = make_setting()
    login(web, setting.coordinator.username)
    response = web.post(
        "/activities/hours/12345/decline", data={"reason": ""}, follow_redirects=True
    )
    assert "请填写作出该决定的理由" in html(response)


def test_a_shift_page_tells_its_code_to_its_coordinator(web, ctx):
    setting = make_setting()
    shift = setting.shift()
    shift_id, code = shift.id, shift.checkin_code
    login(web, setting.coordinator.username)
    assert code in html(web.get(f"/activities/shifts/{shift_id}"))
    assert (
        web.post(
            f"/activities/shifts/{shift_id}/capacity", data={"capacity": "0"}, follow_redirects=True
        ).status_code
        == 200
    )
