"""The volunteer's side of mentoring: the mentee by alias and only what the consent lets
through, their own mentee only, access ending the moment the pair ends, and the
meeting log with its concern flag."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.db import db
from core.people.models import Person
from core.tasks.services import open_tasks_for
from core.timeutil import local_today
from tests.factories import audit_events
from tests.pages import html
from tests.portal import test_web_harness as harness
from tests.volunteers.factories import volunteer_login
from tests.volunteers.mentoring_factories import (
    make_active_pair,
    make_casework,
    make_mentor,
    make_pairing_coordinator,
)
from tests.volunteers.surface import findings_in
from volunteers.accounts.models import Volunteer
from volunteers.mentoring import meetings, pairs, profiles, queries
from volunteers.mentoring.models import Meeting, MentoringProfile

web = harness.web

# What a volunteer must never read about the person: the kind of case and the offence.
CASE_WORDS = (
    "社区矫正对象",
    "安置帮教对象",
    "缓刑",
    "假释",
    "管制",
    "暂予监外执行",
    "probation",
    "parole",
    "correction",
    "resettlement",
    "罪",
)


def _identity_of(person_id: int) -> list[tuple[str | None, str | None, str | None]]:
    person = db.session.get_one(Person, person_id)
    return [(person.name, person.id_number, person.phone)]


def _assert_no_identity(page: str, person_id: int) -> None:
    person = db.session.get_one(Person, person_id)
    assert findings_in(page, _identity_of(person_id)) == []
    assert str(person.address) not in page
    for word in CASE_WORDS:
        assert word not in page, word


def test_the_mentee_page_shows_the_alias_what_was_consented_and_whom_to_contact(web, ctx):
    active = make_active_pair()
    alias = db.session.scalar(
        select(MentoringProfile.alias).where(MentoringProfile.person_id == active.person_id)
    )
    assert alias is not None
    volunteer_login(web, _username(active.volunteer_id))
    home = html(web.get("/v/"))
    assert f"/v/mentee/{active.public_id}" in home and alias in home
    page = html(web.get(f"/v/mentee/{active.public_id}"))
    assert alias in page
    assert "赤坎镇" in page  # the town, consented
    assert "粤语" in page and "就业指导" in page and "想找一份稳定的工作" in page
    assert active.casework.officer.display_name in page  # the contact officer
    _assert_no_identity(page, active.person_id)
    assert audit_events("mentoring.mentee_view", active.pair_id)[0].actor_label == (
        f"volunteer:{active.volunteer_id}"
    )


def _username(volunteer_id: int) -> str:
    return db.session.get_one(Volunteer, volunteer_id).username


def test_what_the_consent_does_not_share_is_not_shown(web, ctx):
    active = make_active_pair(share=False)
    volunteer_login(web, _username(active.volunteer_id))
    page = html(web.get(f"/v/mentee/{active.public_id}"))
    # The office names the town: not shown either; the contact officer is.
    assert "赤坎镇" not in page
    assert active.casework.officer.display_name in page
    assert "就业指导" not in page and "粤语" not in page and "想找一份稳定的工作" not in page
    _assert_no_identity(page, active.person_id)


def test_a_volunteer_reaches_only_their_own_mentee(web, ctx):
    mine = make_active_pair()
    theirs = make_active_pair()
    volunteer_login(web, _username(mine.volunteer_id))
    assert web.get(f"/v/mentee/{mine.public_id}").status_code == 200
    assert web.get(f"/v/mentee/{theirs.public_id}").status_code == 404
    assert web.get("/v/mentee/not-a-pair").status_code == 404
    answer = web.post(
        f"/v/mentee/{theirs.public_id}/meetings",
        data={"met_on": local_today().isoformat(), "duration_min": "60", "topic": "聊天"},
    )
    assert answer.status_code == 404
    assert _meetings() == 0
    # Not logged in as a volunteer: the login page, never the mentee.
    other = harness.new_client(web.application)
    assert other.get(f"/v/mentee/{mine.public_id}").status_code == 302


def _meetings() -> int:
    return db.session.scalar(select(func.count()).select_from(Meeting)) or 0


def test_withdrawing_consent_ends_access_at_once(web, ctx):
    active = make_active_pair()
    volunteer_login(web, _username(active.volunteer_id))
    assert web.get(f"/v/mentee/{active.public_id}").status_code == 200
    assert profiles.withdraw_consent(active.casework.officer, active.person_id) == 1
    assert web.get(f"/v/mentee/{active.public_id}").status_code == 404
    assert "mentees-section" not in html(web.get("/v/"))
    assert active.pair.end_reason == "consent_withdrawn"
    assert audit_events("mentoring.consent_withdraw", active.person_id)
    assert audit_events("mentoring.pair_end", active.pair_id)[0].detail["reason"] == (
        "consent_withdrawn"
    )


def test_a_pair_ended_by_staff_answers_404(web, ctx):
    active = make_active_pair()
    volunteer_login(web, _username(active.volunteer_id))
    pairs.end_pair_as_staff(active.casework.officer, active.pair_id, "帮扶对象外出务工")
    assert web.get(f"/v/mentee/{active.public_id}").status_code == 404


def test_the_volunteer_logs_a_meeting(web, ctx):
    active = make_active_pair()
    volunteer_login(web, _username(active.volunteer_id))
    answer = web.post(
        f"/v/mentee/{active.public_id}/meetings",
        data={"met_on": local_today().isoformat(), "duration_min": "45", "topic": "聊找工作的打算"},
    )
    assert answer.status_code == 302
    page = html(web.get(f"/v/mentee/{active.public_id}"))
    assert "聊找工作的打算" in page and "45" in page
    assert audit_events("mentoring.meeting_log", active.pair_id)[0].detail["concern"] is False


def test_bad_meeting_input_is_answered_in_chinese_and_nothing_is_saved(web, ctx):
    active = make_active_pair()
    volunteer_login(web, _username(active.volunteer_id))
    today = local_today()
    base = {"met_on": today.isoformat(), "duration_min": "60", "topic": "聊天"}
    cases = [
        ({"met_on": (today + timedelta(days=1)).isoformat()}, "日期不能晚于今天"),
        ({"met_on": (today - timedelta(days=3)).isoformat()}, "早于结对开始"),
        ({"met_on": "2025-02-30"}, "请输入日期"),
        ({"duration_min": "0"}, "1 至 720"),
        ({"duration_min": "abc"}, "请输入整数"),
        ({"topic": "   "}, "必填"),
        ({"concern": "y", "concern_note": ""}, "请写明异常情况"),
    ]
    for change, message in cases:
        answer = web.post(f"/v/mentee/{active.public_id}/meetings", data={**base, **change})
        assert answer.status_code == 200, change
        assert message in html(answer), (change, html(answer))
    assert _meetings() == 0


def test_a_concern_flag_opens_a_task_for_the_persons_officer(web, ctx):
    active = make_active_pair()
    volunteer_login(web, _username(active.volunteer_id))
    answer = web.post(
        f"/v/mentee/{active.public_id}/meetings",
        data={
            "met_on": local_today().isoformat(),
            "duration_min": "30",
            "topic": "谈家庭关系",
            "concern": "y",
            "concern_note": "情绪低落，和家人争吵",
        },
    )
    assert answer.status_code == 302
    meeting = db.session.scalar(select(Meeting).where(Meeting.pair_id == active.pair_id))
    assert meeting is not None and meeting.concern
    officer = active.casework.officer
    tasks = [t for t in open_tasks_for(officer) if t.kind == "mentoring_concern"]
    assert len(tasks) == 1 and tasks[0].link == f"/volunteers/mentoring/concerns/{meeting.id}"
    assert queries.open_concern_count(officer) == 1
    # Another office's officer sees neither the task nor the count.
    stranger = make_casework().officer
    assert [t for t in open_tasks_for(stranger) if t.kind == "mentoring_concern"] == []
    assert queries.open_concern_count(stranger) == 0

    meetings.resolve_concern(officer, meeting.id, "已电话回访，安排心理咨询")
    assert [t for t in open_tasks_for(officer) if t.kind == "mentoring_concern"] == []
    assert queries.open_concern_count(officer) == 0
    assert audit_events("mentoring.concern_resolve", active.pair_id)[0].actor_id == officer.id
    assert audit_events("mentoring.meeting_log", active.pair_id)[0].detail["concern"] is True


def test_a_volunteer_with_two_mentees_sees_both_and_each_by_its_own_alias(web, ctx):
    mentor = make_mentor()
    pairs.set_capacity(make_pairing_coordinator(), mentor.id, 2)
    first = make_active_pair(mentor=mentor)
    second = make_active_pair(mentor=mentor)
    volunteer_login(web, mentor.username)
    home = html(web.get("/v/"))
    assert first.public_id in home and second.public_id in home
    for active in (first, second):
        _assert_no_identity(html(web.get(f"/v/mentee/{active.public_id}")), active.person_id)
