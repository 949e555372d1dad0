"""The wing's forms through the portal: saved input works, bad input answers a clear
Chinese message (never a 500) and saves nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.db import db
from core.timeutil import local_today
from core.users import Role
from jobs_bases.bases.models import Base, BaseSession, Placement
from jobs_bases.consent.models import Consent
from jobs_bases.jobs.models import Opening, Referral
from tests.factories import make_admin, make_person, make_unit, make_user
from tests.jobs_bases.factories import log, make_base_row, make_opening, make_scene, place
from tests.pages import html, login


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_admin_creates_a_base_and_bad_capacity_is_refused(web, ctx):
    admin = make_admin().username
    login(web, admin)
    form = {
        "name": "赤坎敬老院公益基地",
        "kind": "welfare",
        "town": "赤坎镇",
        "capacity": "0",
        "activities": "敬老服务，环境清洁",
    }

    refused = web.post("/bases/new", data=form)
    created = web.post("/bases/new", data={**form, "capacity": "6"})

    assert refused.status_code == 200 and "请填写 1 到 500 之间的数字" in html(refused)
    assert created.status_code == 302
    base = db.session.scalar(select(Base).where(Base.name == "赤坎敬老院公益基地"))
    assert base is not None and base.activities == ["敬老服务", "环境清洁"] and base.capacity == 6
    assert web.get(created.location).status_code == 200


def test_placing_through_the_form_records_consent_and_full_bases_say_so(web, ctx):
    office = make_unit()
    officer = make_user(Role.OFFICER, office)
    first, second = make_person(officer, office), make_person(officer, office)
    base = make_base_row(capacity=1)
    place(officer, first, base)
    base_id, second_id, username = base.id, second.id, officer.username
    login(web, username)
    form = {
        "person_id": str(second_id),
        "base_id": str(base_id),
        "starts_on": local_today().isoformat(),
        "ends_on": (local_today() + timedelta(days=30)).isoformat(),
        "share_name": "y",
    }

    page = web.get(f"/bases/placements/new?person={second_id}&base={base_id}")
    full = web.post("/bases/placements/new", data=form)

    assert page.status_code == 200
    assert full.status_code == 200 and "该基地在此期间内部分时间已满" in html(full)
    assert _count(Placement) == 1 and _count(Consent) == 1


def test_a_bad_date_on_the_placement_form_is_a_form_error(web, ctx):
    scene = make_scene()
    other_id = make_base_row().id
    login(web, scene.officer.username)

    response = web.post(
        "/bases/placements/new",
        data={
            "person_id": str(scene.person_id),
            "base_id": str(other_id),
            "starts_on": "2026-13-40",
            "ends_on": "x",
        },
    )

    assert response.status_code == 200 and "请按 2026-06-30 的格式填写日期" in html(response)


def test_logging_an_overlapping_session_flashes_why(web, ctx):
    scene = make_scene()
    day = local_today() - timedelta(days=1)
    log(scene.officer, scene.placement, day, "09:00", "11:00")
    placement_id = scene.placement_id
    login(web, scene.contact.username)

    response = web.post(
        f"/bases/placements/{placement_id}/sessions",
        data={
            "session-on_date": day.isoformat(),
            "session-start_time": "10:00",
            "session-end_time": "12:00",
            "session-activity": "环境清洁",
        },
        follow_redirects=True,
    )

    assert response.status_code == 200
    assert "已有活动记录，同一人的活动时间不能重叠" in html(response)
    assert _count(BaseSession) == 1


def test_logging_and_deciding_through_the_pages(web, ctx):
    scene = make_scene()
    day = (local_today() - timedelta(days=1)).isoformat()
    placement_id = scene.placement_id
    login(web, scene.contact.username)

    logged = web.post(
        f"/bases/placements/{placement_id}/sessions",
        data={
            "session-on_date": day,
            "session-start_time": "09:00",
            "session-end_time": "10:30",
            "session-activity": "敬老服务",
        },
    )
    session = db.session.scalar(select(BaseSession))
    assert logged.status_code == 302 and session is not None and session.minutes == 90
    session_id = session.id
    declined = web.post(f"/bases/sessions/{session_id}/decline", data={}, follow_redirects=True)
    assert "请说明不予确认的原因" in html(declined)
    approved = web.post(f"/bases/sessions/{session_id}/approve")

    assert approved.status_code == 302
    db.session.expire_all()
    assert db.session.get_one(BaseSession, session_id).status == "approved"


def test_a_referral_through_the_form_and_its_outcome(web, ctx):
    office = make_unit()
    officer = make_user(Role.OFFICER, office)
    person_id = make_person(officer, office).id
    opening_id = make_opening(seats=1).id
    login(web, officer.username)

    created = web.post(
        "/jobs/referrals/new",
        data={"person_id": str(person_id), "opening_id": str(opening_id), "share_name": "y"},
    )
    referral = db.session.scalar(select(Referral))
    assert created.status_code == 302 and referral is not None
    future = web.post(
        f"/jobs/referrals/{referral.id}/outcome",
        data={
            "outcome-outcome": "hired",
            "outcome-on_date": (local_today() + timedelta(days=3)).isoformat(),
        },
        follow_redirects=True,
    )
    assert "日期不能晚于今天" in html(future)
    hired = web.post(
        f"/jobs/referrals/{referral.id}/outcome",
        data={"outcome-outcome": "hired", "outcome-on_date": local_today().isoformat()},
    )

    assert hired.status_code == 302
    db.session.expire_all()
    assert db.session.get_one(Referral, referral.id).status == "hired"


def test_an_opening_with_a_wage_range_upside_down_is_refused(web, ctx):
    officer = make_user(Role.OFFICER, make_unit()).username
    employer_id = make_opening().employer_id
    login(web, officer)

    response = web.post(
        "/jobs/openings/new",
        data={
            "employer_id": str(employer_id),
            "title": "保安",
            "seats": "2",
            "wage_min": "4000",
            "wage_max": "3000",
            "town": "赤坎镇",
            "base_id": "0",
            "status": "open",
        },
    )

    assert response.status_code == 200 and "最高工资不能低于最低工资" in html(response)
    assert _count(Opening) == 1


def test_lists_page_with_a_cursor_and_refuse_a_forged_one(web, ctx):
    admin = make_admin().username
    for _ in range(27):
        make_base_row()
    login(web, admin)

    first = html(web.get("/bases"))
    assert "cursor=" in first
    cursor = first.split("cursor=")[1].split('"')[0].replace("&amp;", "&")
    second = web.get(f"/bases?cursor={cursor}")

    assert second.status_code == 200 and "cursor=" not in html(second)
    forged = web.get("/bases?cursor=forged")
    assert forged.status_code == 200 and "cursor=" in html(forged)  # the first page again
