"""The staff pages of mentoring: the officer's mentee page (profile, consent, conflicts),
the coordinator's runs and decisions, scope (404 outside it), audited views, dashboard
counts, and bad input answered in Chinese with nothing half-saved."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.db import db
from core.orgs import OrgUnit
from core.timeutil import local_today
from core.users import Role
from tests.factories import audit_events, make_person, make_staff, make_user, user
from tests.pages import html, login
from tests.portal import test_web_harness as harness
from tests.volunteers.factories import make_coordinator
from tests.volunteers.mentoring_factories import (
    make_active_pair,
    make_casework,
    make_mentee,
    make_mentor,
    make_pairing_coordinator,
    proposed,
    run_for,
)
from volunteers.accounts.models import Volunteer
from volunteers.mentoring import meetings, profiles
from volunteers.mentoring.models import (
    MenteeConflict,
    MentorCapacity,
    MentoringConsent,
    MentoringProfile,
    MentorPair,
    PairingRun,
    PairStatus,
)

web = harness.web


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _person(casework) -> int:
    return make_person(
        casework.officer, db.session.get_one(OrgUnit, casework.unit_id), name="司马建国"
    ).id


def test_the_officer_sets_up_a_mentee_through_the_pages(web, ctx):
    casework = make_casework()
    person_id = _person(casework)
    mentor_id = make_mentor().id
    login(web, casework.officer.username)
    assert f"/volunteers/mentoring/mentees/{person_id}" in html(
        web.get("/volunteers/mentoring/mentees")
    )
    page = html(web.get(f"/volunteers/mentoring/mentees/{person_id}"))
    assert "结对帮教档案" in page and "司马建国" not in page  # the name masked
    assert audit_events("mentoring.profile_view", person_id)

    answer = web.post(
        f"/volunteers/mentoring/mentees/{person_id}",
        data={
            "needs": "就业指导，心理辅导",
            "needs_note": "想学一门手艺",
            "languages": ["粤语"],
            "availability": ["sat-morning"],
            "seeking": "y",
        },
    )
    assert answer.status_code == 302
    profile = db.session.scalar(
        select(MentoringProfile).where(MentoringProfile.person_id == person_id)
    )
    assert profile is not None and profile.needs == ["就业指导", "心理辅导"] and profile.seeking
    alias = profile.alias
    assert alias.startswith("学员") and len(alias) == 6
    assert audit_events("mentoring.profile_save", person_id)[0].detail["created"] is True

    answer = web.post(
        f"/volunteers/mentoring/mentees/{person_id}/consent",
        data={"given_on": local_today().isoformat(), "share_town": "y", "share_needs": "y"},
    )
    assert answer.status_code == 302
    consent = db.session.scalar(
        select(MentoringConsent).where(MentoringConsent.person_id == person_id)
    )
    assert consent is not None and consent.share_town and not consent.share_languages
    assert audit_events("mentoring.consent_record", person_id)[0].detail["shares"] == [
        "town",
        "needs",
    ]

    answer = web.post(
        f"/volunteers/mentoring/mentees/{person_id}/conflicts",
        data={"volunteer_id": str(mentor_id), "reason": "relative", "note": "表兄弟"},
    )
    assert answer.status_code == 302
    conflict = db.session.scalar(
        select(MenteeConflict).where(MenteeConflict.person_id == person_id)
    )
    assert conflict is not None and conflict.volunteer_id == mentor_id
    page = html(web.get(f"/volunteers/mentoring/mentees/{person_id}"))
    assert alias in page and "亲属" in page
    answer = web.post(f"/volunteers/mentoring/mentees/{person_id}/conflicts/{conflict.id}/remove")
    assert answer.status_code == 302
    assert _count(MenteeConflict) == 0
    assert audit_events("mentoring.conflict_remove", person_id)
    # Saving again keeps the alias: it is the person's, for good.
    web.post(f"/volunteers/mentoring/mentees/{person_id}", data={"needs": "电工"})
    assert db.session.get_one(MentoringProfile, profile.id).alias == alias


def test_bad_mentee_input_is_answered_in_chinese_and_nothing_is_saved(web, ctx):
    casework = make_casework()
    person_id = _person(casework)
    login(web, casework.officer.username)
    url = f"/volunteers/mentoring/mentees/{person_id}"
    cases = [
        ({"needs": "就业指导", "needs_note": "有事打13812345678"}, "志愿者会看到这段文字"),
        ({"needs": "就业指导", "needs_note": "司马建国想找工作"}, "志愿者会看到这段文字"),
        ({"seeking": "y"}, "请至少填写一项需求"),
        ({"needs": "、".join(["技能"] * 3 + [str(n) for n in range(9)])}, "最多 8 项需求"),
    ]
    for data, message in cases:
        answer = web.post(url, data=data)
        assert answer.status_code == 200, data
        assert message in html(answer), (data, html(answer))
    assert _count(MentoringProfile) == 0
    # Consent before the profile, a date in the future, a date that is none.
    answer = web.post(f"{url}/consent", data={"given_on": local_today().isoformat()})
    assert "请先保存结对帮教档案" in html(web.get(answer.location))
    web.post(url, data={"needs": "就业指导"})
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    for given_on, message in (
        (tomorrow, "日期不能晚于今天"),
        ("2025-02-30", "请输入日期"),
        ("", "必填"),
    ):
        answer = web.post(f"{url}/consent", data={"given_on": given_on})
        assert answer.status_code == 302
        assert message in html(web.get(answer.location)), given_on
    assert _count(MentoringConsent) == 0
    # A conflict naming no volunteer.
    answer = web.post(f"{url}/conflicts", data={"volunteer_id": "999999", "reason": "relative"})
    assert "不是有效的选择" in html(web.get(answer.location))
    assert _count(MenteeConflict) == 0


def test_another_offices_officer_gets_404_everywhere(web, ctx):
    active = make_active_pair()
    stranger = make_casework()
    login(web, stranger.officer.username)
    for path in (
        f"/volunteers/mentoring/mentees/{active.person_id}",
        f"/volunteers/mentoring/pairs/{active.pair_id}",
    ):
        assert web.get(path).status_code == 404, path
    for path in (
        f"/volunteers/mentoring/mentees/{active.person_id}/consent/withdraw",
        f"/volunteers/mentoring/pairs/{active.pair_id}/end",
        f"/volunteers/mentoring/pairs/{active.pair_id}/take-over",
    ):
        assert web.post(path, data={"note": "x"}).status_code == 404, path
    assert active.pair.status == PairStatus.ACTIVE
    assert f"/mentees/{active.person_id}" not in html(web.get("/volunteers/mentoring/mentees"))


def test_finance_and_training_partners_do_not_see_mentoring(web, ctx):
    for role in (Role.FINANCE, Role.TRAINING_PARTNER):
        client = harness.new_client(web.application)
        login(client, make_staff(role).username)
        assert client.get("/volunteers/mentoring").status_code == 404
        assert "/volunteers/mentoring" not in html(client.get("/"))


def test_the_coordinator_runs_reviews_approves_and_declines_through_the_pages(web, ctx):
    casework = make_casework()
    first = make_mentee(casework)
    second = make_mentee(casework)
    mentor_id = make_mentor().id
    coordinator = make_pairing_coordinator()
    coordinator_id = coordinator.id
    login(web, coordinator.username)
    index = html(web.get("/volunteers/mentoring"))
    assert "进行结对匹配" in index and "不包括未成年人" in index
    pairs_before = _count(MentorPair)
    # The page runs every active volunteer; the test holds only one mentor who suits.
    web.post(f"/volunteers/mentoring/mentors/{mentor_id}/capacity", data={"capacity": "2"})
    answer = web.post("/volunteers/mentoring/runs")
    assert answer.status_code == 302 and "/volunteers/mentoring/runs/" in answer.location
    run = db.session.scalar(select(PairingRun).order_by(PairingRun.id.desc()))
    assert run is not None and run.started_by_id == coordinator_id
    assert _count(MentorPair) > pairs_before
    page = html(web.get(answer.location))
    one = proposed(run, first)
    two = proposed(run, second)
    assert one is not None and two is not None
    alias = db.session.scalar(
        select(MentoringProfile.alias).where(MentoringProfile.person_id == first)
    )
    assert alias is not None
    assert alias in page and "技能" in page
    assert "司马" not in page and "欧阳" not in page  # no names on coordinators' pages

    pair_page = html(web.get(f"/volunteers/mentoring/pairs/{one.id}"))
    assert "就业指导" in pair_page and audit_events("mentoring.pair_view", one.id)
    assert web.post(f"/volunteers/mentoring/pairs/{one.id}/approve").status_code == 302
    assert db.session.get_one(MentorPair, one.id).status == PairStatus.ACTIVE
    assert audit_events("mentoring.pair_approve", one.id)[0].actor_id == coordinator_id
    # Declining needs a reason.
    answer = web.post(f"/volunteers/mentoring/pairs/{two.id}/decline", data={"note": ""})
    assert "请填写原因" in html(web.get(answer.location))
    assert db.session.get_one(MentorPair, two.id).status == PairStatus.PROPOSED
    web.post(f"/volunteers/mentoring/pairs/{two.id}/decline", data={"note": "志愿者时间冲突"})
    declined = db.session.get_one(MentorPair, two.id)
    assert declined.status == PairStatus.DECLINED and declined.end_note == "志愿者时间冲突"
    assert audit_events("mentoring.pair_decline", two.id)
    # Approving twice is refused with a message, not an error page.
    answer = web.post(f"/volunteers/mentoring/pairs/{one.id}/approve")
    assert "该结对已经处理过了" in html(web.get(answer.location))


def test_capacity_input_is_checked(web, ctx):
    mentor = make_mentor()
    mentor_id, mentor_name = mentor.id, mentor.display_name
    login(web, make_coordinator().username)
    for value, message in (("abc", "请输入整数"), ("11", "0 至 10"), ("-1", "0 至 10")):
        answer = web.post(
            f"/volunteers/mentoring/mentors/{mentor_id}/capacity", data={"capacity": value}
        )
        assert message in html(web.get(answer.location)), value
    assert _count(MentorCapacity) == 0
    assert (
        web.post(
            "/volunteers/mentoring/mentors/999999/capacity", data={"capacity": "1"}
        ).status_code
        == 404
    )
    page = html(web.get("/volunteers/mentoring/mentors"))
    assert mentor_name in page


def test_the_dashboard_counts_what_waits_for_each(web, ctx):
    casework = make_casework()
    make_mentee(casework)
    mentor = make_mentor()
    coordinator = make_pairing_coordinator()
    run_for(coordinator, mentor)
    login(web, coordinator.username)
    assert "待批准的帮教结对" in html(web.get("/"))
    active = make_active_pair(casework)
    meetings.log_meeting(
        db.session.get_one(Volunteer, active.volunteer_id),
        active.public_id,
        meetings.MeetingInput(local_today(), 30, "聊天", True, "需要跟进"),
    )
    officer_client = harness.new_client(web.application)
    login(officer_client, casework.officer.username)
    dashboard = html(officer_client.get("/"))
    assert "未处理的帮教异常关注" in dashboard
    concerns = html(officer_client.get("/volunteers/mentoring/concerns"))
    assert "需要跟进" in concerns


def test_the_officer_resolves_a_concern_and_ends_a_pair_on_the_pages(web, ctx):
    active = make_active_pair()
    meeting_id = meetings.log_meeting(
        db.session.get_one(Volunteer, active.volunteer_id),
        active.public_id,
        meetings.MeetingInput(local_today(), 30, "聊天", True, "需要跟进"),
    ).id
    officer_id = active.casework.officer_id
    login(web, active.casework.officer.username)
    page = html(web.get(f"/volunteers/mentoring/concerns/{meeting_id}"))
    assert "需要跟进" in page
    answer = web.post(f"/volunteers/mentoring/concerns/{meeting_id}", data={"resolution": ""})
    assert answer.status_code == 200 and "必填" in html(answer)
    answer = web.post(
        f"/volunteers/mentoring/concerns/{meeting_id}", data={"resolution": "已电话回访"}
    )
    assert answer.status_code == 302
    answer = web.post(
        f"/volunteers/mentoring/pairs/{active.pair_id}/end", data={"note": "外出务工"}
    )
    assert answer.status_code == 302
    ended = active.pair
    assert ended.status == PairStatus.ENDED and ended.ended_by_id == officer_id
    assert audit_events("mentoring.pair_end", active.pair_id)[0].detail["reason"] == "by_staff"
    assert user(officer_id).username


def test_an_auditor_reads_and_changes_nothing(web, ctx):
    active = make_active_pair()
    auditor = make_user(Role.AUDITOR)
    login(web, auditor.username)
    assert web.get(f"/volunteers/mentoring/pairs/{active.pair_id}").status_code == 200
    assert web.get(f"/volunteers/mentoring/mentees/{active.person_id}").status_code == 200
    assert (
        web.post(
            f"/volunteers/mentoring/pairs/{active.pair_id}/end", data={"note": "x"}
        ).status_code
        == 404
    )
    assert (
        web.post(
            f"/volunteers/mentoring/mentees/{active.person_id}", data={"needs": "电工"}
        ).status_code
        == 404
    )
    assert active.pair.status == PairStatus.ACTIVE
    profiles.withdraw_consent(active.casework.officer, active.person_id)
