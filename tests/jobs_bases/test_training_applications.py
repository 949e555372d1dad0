"""Applying for training: eligibility with its reason, the deadline, duplicates, the
five-choice limit, and scope. A refused application leaves nothing behind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.audit_actions import AuditAction
from core.db import db
from core.errors import Conflict, NotFound, ValidationFailed
from core.people import retention
from core.people.models import PersonKind
from core.users import Role
from jobs_bases.training import applications
from jobs_bases.training.models import Application, ApplicationStatus
from tests.factories import audit_events, make_unit, make_user
from tests.jobs_bases.training_factories import TODAY, at, make_course, make_desk, make_round


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Application)) or 0


@pytest.fixture()
def desk(ctx):
    return make_desk()


def test_an_application_ranks_up_to_five_courses_and_is_audited(desk):
    training_round = make_round(desk.admin)
    offered = [make_course(training_round, admin=desk.admin) for _ in range(5)]
    person = desk.person()

    application_id = desk.apply(person, offered)

    application = db.session.get_one(Application, application_id)
    assert [c.course_id for c in application.choices] == [c.id for c in offered]
    assert [c.rank for c in application.choices] == [1, 2, 3, 4, 5]
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.office_id == desk.office.id
    [entry] = audit_events(AuditAction.TRAINING_APPLY, application_id)
    assert entry.detail["courses"] == [c.id for c in offered]


def test_six_choices_are_refused(desk):
    training_round = make_round(desk.admin)
    offered = [make_course(training_round, admin=desk.admin) for _ in range(6)]

    with pytest.raises(ValidationFailed) as refused:
        desk.apply(desk.person(), offered)

    assert refused.value.message == "Choose at most five courses."
    db.session.rollback()
    assert _count() == 0


def test_an_application_after_the_deadline_is_refused_with_the_date(desk):
    training_round = make_round(desk.admin)
    closed = make_course(training_round, admin=desk.admin, apply_by=TODAY - timedelta(days=1))
    person = desk.person()

    with pytest.raises(ValidationFailed) as refused:
        desk.apply(person, [closed])

    assert refused.value.params["rank"] == 1
    # The reason is shown in Chinese (the default language of the pages).
    assert str(refused.value.params["reason"]) == (
        f"报名已于 {(TODAY - timedelta(days=1)).isoformat()} 截止"
    )
    db.session.rollback()
    assert _count() == 0


def test_the_deadline_day_itself_still_takes_applications(desk):
    training_round = make_round(desk.admin)
    course = make_course(training_round, admin=desk.admin, apply_by=TODAY)

    assert desk.apply(desk.person(), [course], now=at(TODAY, hour=23))


def test_a_second_application_to_the_same_round_is_refused(desk):
    training_round = make_round(desk.admin)
    course = make_course(training_round, admin=desk.admin)
    person = desk.person()
    first = desk.apply(person, [course])

    with pytest.raises(Conflict) as refused:
        desk.apply(person, [course])

    assert refused.value.params == {"number": first}
    db.session.rollback()
    assert _count() == 1


def test_after_withdrawing_the_person_may_apply_again(desk):
    training_round = make_round(desk.admin)
    course = make_course(training_round, admin=desk.admin)
    person = desk.person()
    first = desk.apply(person, [course])
    applications.withdraw_application(desk.officer, first, "换了志愿")

    second = desk.apply(person, [course])

    assert second != first


@pytest.mark.parametrize(
    ("rules", "person", "reason"),
    [
        (
            {"eligible_kinds": [PersonKind.RESETTLEMENT]},
            {},
            "本课程只招收安置帮教对象",
        ),
        (
            {"eligible_kinds": [PersonKind.CORRECTION]},
            {
                "kind": "resettlement",
                "correction_type": None,
                "term_start": None,
                "term_end": None,
                "release_date": TODAY - timedelta(days=60),
            },
            "本课程只招收社区矫正对象",
        ),
        ({"min_age": 45, "max_age": 60}, {}, "低于最低年龄 45 岁"),
        ({"min_age": 18, "max_age": 30}, {}, "高于最高年龄 30 岁"),
    ],
)
def test_an_ineligible_choice_is_refused_with_its_reason(desk, rules, person, reason):
    training_round = make_round(desk.admin)
    fine = make_course(training_round, admin=desk.admin)
    strict = make_course(training_round, admin=desk.admin, **rules)

    with pytest.raises(ValidationFailed) as refused:
        desk.apply(desk.person(**person), [fine, strict])

    assert refused.value.field == "choice_2"
    assert refused.value.params["course"] == strict.title
    assert reason in str(refused.value.params["reason"])
    db.session.rollback()
    assert _count() == 0


def test_an_earlier_completion_of_the_same_trade_excludes(desk, monkeypatch):
    training_round = make_round(desk.admin)
    again = make_course(training_round, admin=desk.admin, trade="中式烹调")
    open_to_all = make_course(
        training_round, admin=desk.admin, trade="中式烹调", exclude_if_completed=False
    )
    person = desk.person()
    monkeypatch.setattr(applications, "completed_trades", lambda person_id: {"中式烹调"})

    with pytest.raises(ValidationFailed) as refused:
        desk.apply(person, [again])
    db.session.rollback()

    assert "已完成过中式烹调类课程" in str(refused.value.params["reason"])
    assert desk.apply(person, [open_to_all])


def test_an_ended_case_cannot_apply(desk):
    training_round = make_round(desk.admin)
    course = make_course(training_round, admin=desk.admin)
    person = desk.person()
    retention.end_case(desk.officer, person.id, TODAY)

    with pytest.raises(Conflict):
        desk.apply(person, [course])


def test_an_officer_applies_only_for_people_of_their_office(desk):
    training_round = make_round(desk.admin)
    course = make_course(training_round, admin=desk.admin)
    person = desk.person()
    stranger = make_user(Role.OFFICER, make_unit(town="水口镇"))

    with pytest.raises(NotFound):
        applications.apply(
            stranger, applications.ApplicationInput(person.id, training_round.id, [course.id])
        )
    with pytest.raises(NotFound):
        applications.view_application(stranger, desk.apply(person, [course]))


def test_a_course_of_another_round_is_refused(desk):
    first, second = make_round(desk.admin), make_round(desk.admin)
    other = make_course(second, admin=desk.admin)
    mine = make_course(first, admin=desk.admin)

    with pytest.raises(ValidationFailed) as refused:
        applications.apply(
            desk.officer,
            applications.ApplicationInput(desk.person().id, first.id, [mine.id, other.id]),
        )
    assert refused.value.field == "choice_2"


def test_course_titles_that_would_tell_an_employer_are_refused(desk):
    training_round = make_round(desk.admin)

    with pytest.raises(ValidationFailed) as refused:
        make_course(training_round, admin=desk.admin, title="社区矫正对象电工培训班")

    assert refused.value.field == "title" and refused.value.params == {"word": "矫正"}
