"""The running class: attendance per session (never for one still to come), exams,
completion by the course's rule with its reason, and what the partner sees of trainees
(names and phones only with consent; never the kind of person or the office's notes),
every view audited."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from core.audit_actions import AuditAction
from core.db import db
from core.errors import Conflict, NotFound, ValidationFailed
from core.users import User
from jobs_bases.consent.models import SharedField, SubjectKind
from jobs_bases.consent.services import Subject, withdraw_consent
from jobs_bases.training import classes, courses, offers
from jobs_bases.training.models import (
    Attendance,
    Certificate,
    Course,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
)
from tests.factories import audit_events, fresh
from tests.jobs_bases.factories import make_partner, make_partner_user
from tests.jobs_bases.training_factories import (
    TODAY,
    add_sessions,
    at,
    make_course,
    make_desk,
    make_round,
    offer_of,
    publish,
)

AFTER_DEADLINE = at(TODAY + timedelta(days=11))


@pytest.fixture()
def cls(ctx):
    """A course of four sessions with three trainees: the first agreed to name and phone,
    the second to the name only, the third to nothing."""
    desk = make_desk()
    partner = make_partner()
    training_round = make_round(desk.admin)
    course = make_course(training_round, partner, admin=desk.admin, seats=3)
    sessions = add_sessions(course, 4, desk.admin)
    people = [desk.person(name=name) for name in ("王小明", "陈大文", "黄志强")]
    ids = [desk.apply(person, [course]) for person in people]
    publish(desk.admin, training_round.id, AFTER_DEADLINE)
    consents = [[SharedField.NAME, SharedField.PHONE], [SharedField.NAME], []]
    enrolments = [
        offers.accept_offer(desk.officer, offer_of(i, course.id).id, shared, now=AFTER_DEADLINE).id
        for i, shared in zip(ids, consents, strict=True)
    ]
    return desk, make_partner_user(partner), course, sessions, enrolments


def test_the_partner_sees_names_and_phones_only_with_consent(cls):
    _desk, partner_user, course, _sessions, enrolments = cls

    _course, trainees = classes.view_trainees(partner_user, course.id)

    shown = {t.enrolment.id: (t.name, t.phone, t.named) for t in trainees}
    alias = fresh(Enrolment, enrolments[2]).alias
    assert shown[enrolments[0]] == ("王小明", "13812345678", True)
    assert shown[enrolments[1]] == ("陈大文", "", True)
    assert shown[enrolments[2]] == (alias, "", False)


def test_every_view_of_trainees_is_audited(cls):
    _desk, partner_user, course, _sessions, enrolments = cls

    classes.view_trainees(partner_user, course.id)
    classes.view_trainee(partner_user, enrolments[2])

    [listed] = audit_events(AuditAction.TRAINING_TRAINEES_VIEW, course.id)
    assert listed.actor_id == partner_user.id
    assert listed.detail["enrolments"] == enrolments
    assert listed.detail["named"] == enrolments[:2]
    [viewed] = audit_events(AuditAction.TRAINING_TRAINEE_VIEW, enrolments[2])
    assert viewed.actor_id == partner_user.id and viewed.detail["named"] is False


def test_withdrawn_consent_hides_the_name_at_the_next_view(cls):
    desk, partner_user, _course, _sessions, enrolments = cls
    person_id = fresh(Enrolment, enrolments[0]).person_id
    withdraw_consent(desk.officer, person_id, Subject(SubjectKind.ENROLMENT, enrolments[0]))

    record = classes.view_trainee(partner_user, enrolments[0])

    assert record.trainee.name.startswith("T-") and record.trainee.phone == ""


def test_another_partner_sees_nothing_of_the_course(cls):
    _desk, _partner_user, course, sessions, enrolments = cls
    stranger = make_partner_user()

    for call in (
        lambda: classes.view_trainees(stranger, course.id),
        lambda: classes.view_trainee(stranger, enrolments[0]),
        lambda: classes.record_attendance(stranger, sessions[0].id, [], now=at(course.ends_on)),
        lambda: classes.record_exam(stranger, enrolments[0], True, now=at(course.ends_on)),
        lambda: classes.close_course(stranger, course.id, now=at(course.ends_on)),
    ):
        with pytest.raises(NotFound):
            call()


def test_attendance_for_a_session_still_to_come_is_refused(cls):
    _desk, partner_user, _course, sessions, enrolments = cls
    before = at(sessions[0].on_date, hour=8)  # the session starts at 09:00

    with pytest.raises(ValidationFailed) as refused:
        classes.record_attendance(partner_user, sessions[0].id, enrolments, now=before)

    assert refused.value.params == {"date": sessions[0].on_date.isoformat(), "time": "09:00"}
    db.session.rollback()
    assert db.session.scalar(select(Attendance.id)) is None


def test_attendance_marks_everyone_and_can_be_corrected(cls):
    _desk, partner_user, _course, sessions, enrolments = cls
    during = at(sessions[0].on_date, hour=9)

    classes.record_attendance(partner_user, sessions[0].id, enrolments[:2], now=during)
    classes.record_attendance(partner_user, sessions[0].id, enrolments, now=during)

    marks = classes.marks_of(sessions[0].id)
    assert marks == {e: True for e in enrolments}
    assert len(audit_events(AuditAction.TRAINING_ATTENDANCE_RECORD, sessions[0].id)) == 2
    with pytest.raises(ValidationFailed):
        classes.record_attendance(partner_user, sessions[0].id, [999_999], now=during)


def _run_the_class(
    partner_user: User,
    sessions: list[CourseSession],
    enrolments: list[int],
    present_at: list[list[int]],
) -> None:
    """Record each session: present_at[i] lists who came to session i."""
    for session, present in zip(sessions, present_at, strict=True):
        classes.record_attendance(
            partner_user, session.id, present, now=at(session.on_date, hour=12)
        )


def test_completion_follows_the_rule_and_says_why(cls):
    _desk, partner_user, course, sessions, enrolments = cls
    e1, e2, e3 = enrolments
    _run_the_class(
        partner_user, sessions, enrolments, [[e1, e2, e3], [e1, e2, e3], [e1, e2], [e1, e2]]
    )
    last_day = at(course.ends_on, hour=17)
    for enrolment, passed in ((e1, True), (e2, False), (e3, True)):
        classes.record_exam(partner_user, enrolment, passed, now=last_day)

    classes.close_course(partner_user, course.id, now=last_day)

    first, second, third = (fresh(Enrolment, e) for e in enrolments)
    assert first.status == EnrolmentStatus.COMPLETED
    assert first.completion_reason == "出勤率 100%（4/4 次课），考核合格，准予结业。"
    assert second.status == EnrolmentStatus.NOT_COMPLETED
    assert second.completion_reason == "未达到结业要求：考核未通过。"
    assert third.status == EnrolmentStatus.NOT_COMPLETED
    assert third.completion_reason == "未达到结业要求：出勤率 50%（2/4 次课），低于要求的 80%。"
    certificates = db.session.scalars(select(Certificate)).all()
    assert [c.enrolment_id for c in certificates] == [e1]
    assert audit_events(AuditAction.TRAINING_COURSE_CLOSE, course.id)
    with pytest.raises(Conflict):
        classes.close_course(partner_user, course.id, now=last_day)


def test_closing_waits_for_the_last_day_every_session_and_every_exam(cls):
    _desk, partner_user, course, sessions, enrolments = cls
    last_day = at(course.ends_on, hour=17)

    with pytest.raises(ValidationFailed):
        classes.close_course(partner_user, course.id, now=at(course.ends_on - timedelta(days=1)))
    with pytest.raises(Conflict) as no_attendance:
        classes.close_course(partner_user, course.id, now=last_day)
    assert no_attendance.value.params == {"date": sessions[0].on_date.isoformat()}
    _run_the_class(partner_user, sessions, enrolments, [enrolments] * 4)
    with pytest.raises(Conflict) as no_exam:
        classes.close_course(partner_user, course.id, now=last_day)
    assert "exam" in no_exam.value.message
    db.session.rollback()
    assert fresh(Course, course.id).closed_at is None


def test_a_session_with_attendance_stays_and_sessions_stay_inside_the_course(cls):
    _desk, partner_user, course, sessions, _enrolments = cls
    classes.record_attendance(partner_user, sessions[0].id, [], now=at(course.ends_on))

    with pytest.raises(Conflict):
        courses.remove_session(partner_user, sessions[0].id)
    with pytest.raises(ValidationFailed):
        courses.add_session(
            partner_user,
            course.id,
            courses.SessionInput(course.ends_on + timedelta(days=1), time(9), time(12)),
        )
    courses.remove_session(partner_user, sessions[3].id)
    assert len(courses.sessions_of(course.id)) == 3
