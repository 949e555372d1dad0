"""Employers, openings, referrals and outcomes, retention follow-ups as tasks, and what the
employer may be told."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from core.audit_actions import AuditAction
from core.db import db
from core.errors import Conflict, NotFound, ValidationFailed
from core.tasks.models import Task, TaskStatus
from core.tasks.services import open_tasks_for
from core.timeutil import local_today
from core.users import Role, User
from jobs_bases.consent.models import SharedField
from jobs_bases.jobs.employers import OpeningInput, save_opening
from jobs_bases.jobs.followups import open_follow_up_tasks
from jobs_bases.jobs.models import Referral, ReferralStatus
from jobs_bases.jobs.referrals import (
    add_months,
    record_follow_up,
    record_outcome,
    referral_sheet,
)
from tests.factories import audit_events, make_person, make_unit, make_user
from tests.jobs_bases.factories import make_base_row, make_employer, make_opening, refer
from tests.pages import english, html, login

TODAY = local_today


@pytest.fixture()
def office_scene(ctx):
    office = make_unit()
    officer = make_user(Role.OFFICER, office)
    return office, officer, make_person(officer, office)


def _hire(officer: User, referral: Referral, on: date | None = None) -> Referral:
    return record_outcome(officer, referral.id, "hired", on or TODAY())


def test_an_opening_names_an_employment_base_only(ctx):
    welfare = make_base_row(kind="welfare")
    employment = make_base_row(kind="employment")
    employer = make_employer()
    admin = make_user(Role.ADMIN)
    data = OpeningInput(employer.id, "包装工", 3, 280_000, 350_000, "赤坎镇", base_id=welfare.id)

    with pytest.raises(ValidationFailed, match="employment base"):
        save_opening(admin, None, data)
    db.session.rollback()
    data.base_id = employment.id
    opening = save_opening(admin, None, data)

    assert opening.base_id == employment.id and opening.wage_max_fen == 350_000
    assert audit_events(AuditAction.OPENING_SAVE, opening.id)
    assert audit_events(AuditAction.EMPLOYER_SAVE, employer.id)


def test_a_referral_carries_its_consent_and_the_sheet_tells_only_that(web, office_scene):
    _office, officer, person = office_scene
    referral = refer(officer, person, make_opening(), shares=(SharedField.NAME,))
    name, phone, referral_id = str(person.name), str(person.phone), referral.id
    login(web, officer.username)
    english(web)

    page = html(web.get(f"/jobs/referrals/{referral_id}/sheet"))

    assert name in page and phone not in page
    assert "Community corrections" not in page and "not to be told" in page
    [viewed] = audit_events(AuditAction.REFERRAL_SHEET_VIEW, referral_id)
    assert viewed.detail["shared"] == ["name"]
    assert audit_events(AuditAction.REFERRAL_CREATE, referral_id)


def test_the_offence_is_told_only_with_explicit_consent(office_scene):
    _office, officer, person = office_scene
    plain = refer(officer, person, make_opening(), shares=(SharedField.NAME, SharedField.STATUS))
    told = refer(officer, person, make_opening(), shares=(SharedField.OFFENCE,))

    assert not referral_sheet(officer, plain.id).shares_offence
    assert referral_sheet(officer, plain.id).status == "correction"
    assert referral_sheet(officer, told.id).shares_offence
    assert referral_sheet(officer, told.id).name == ""


def test_outcomes_follow_each_other_with_sensible_dates(office_scene):
    _office, officer, person = office_scene
    referral = refer(officer, person, make_opening())

    with pytest.raises(Conflict):
        record_outcome(officer, referral.id, "left", TODAY())
    db.session.rollback()
    with pytest.raises(ValidationFailed, match="future"):
        _hire(officer, referral, TODAY() + timedelta(days=1))
    db.session.rollback()
    with pytest.raises(ValidationFailed, match="before"):
        _hire(officer, referral, TODAY() - timedelta(days=3))
    db.session.rollback()
    _hire(officer, referral)
    left = record_outcome(officer, referral.id, "left", TODAY())

    assert (left.status, left.hired_on, left.left_on) == ("left", TODAY(), TODAY())
    assert len(audit_events(AuditAction.REFERRAL_OUTCOME, referral.id)) == 2


def test_hires_stop_at_the_openings_seats(office_scene):
    office, officer, person = office_scene
    other = make_person(officer, office)
    opening = make_opening(seats=1)
    first, second = refer(officer, person, opening), refer(officer, other, opening)
    _hire(officer, first)

    with pytest.raises(Conflict, match="seat"):
        _hire(officer, second)
    db.session.rollback()
    not_hired = record_outcome(officer, second.id, "not_hired", TODAY())

    assert not_hired.status == ReferralStatus.NOT_HIRED and not_hired.closed_on == TODAY()


def test_no_second_open_referral_to_the_same_opening(office_scene):
    _office, officer, person = office_scene
    opening = make_opening()
    refer(officer, person, opening)

    with pytest.raises(Conflict, match="already referred"):
        refer(officer, person, opening)


def test_referrals_are_out_of_reach_of_other_offices(office_scene):
    _office, officer, person = office_scene
    referral = refer(officer, person, make_opening())
    stranger = make_user(Role.OFFICER, make_unit(town="水口镇"))

    with pytest.raises(NotFound):
        record_outcome(stranger, referral.id, "hired", TODAY())
    db.session.rollback()
    with pytest.raises(NotFound):
        referral_sheet(stranger, referral.id)


def test_follow_ups_at_3_and_6_months_become_tasks_for_the_persons_officers(office_scene):
    office, officer, person = office_scene
    colleague = make_user(Role.OFFICER, office)
    stranger = make_user(Role.OFFICER, make_unit(town="水口镇"))
    referral = refer(officer, person, make_opening())
    _hire(officer, referral)
    hired_on = TODAY() - timedelta(days=200)
    db.session.execute(
        update(Referral)
        .where(Referral.id == referral.id)
        .values(hired_on=hired_on, referred_on=hired_on)
    )
    db.session.commit()

    assert open_follow_up_tasks() == 2
    assert open_follow_up_tasks() == 2  # the same tasks, not new ones
    tasks = db.session.scalars(select(Task).where(Task.kind == "retention_follow_up")).all()
    assert sorted(t.due_on or hired_on for t in tasks) == [
        add_months(hired_on, 3),
        add_months(hired_on, 6),
    ]
    assert all(t.link == f"/jobs/referrals/{referral.id}" for t in tasks)
    assert {t.id for t in open_tasks_for(colleague)} >= {t.id for t in tasks}
    assert not {t.id for t in open_tasks_for(stranger)} & {t.id for t in tasks}

    record_follow_up(officer, referral.id, 3, TODAY() - timedelta(days=100), True, "在岗")
    assert audit_events(AuditAction.FOLLOW_UP_RECORD, referral.id)
    still_open = db.session.scalars(
        select(Task).where(Task.kind == "retention_follow_up", Task.status == TaskStatus.OPEN)
    ).all()
    assert [t.due_on for t in still_open] == [add_months(hired_on, 6)]

    left = record_follow_up(officer, referral.id, 6, TODAY(), False)
    assert not left.still_employed
    assert db.session.get_one(Referral, referral.id).status == ReferralStatus.LEFT
    assert not db.session.scalars(
        select(Task).where(Task.kind == "retention_follow_up", Task.status == TaskStatus.OPEN)
    ).all()


def test_a_follow_up_is_recorded_once_and_not_too_early(office_scene):
    _office, officer, person = office_scene
    referral = refer(officer, person, make_opening())
    _hire(officer, referral)

    with pytest.raises(ValidationFailed, match="due on"):
        record_follow_up(officer, referral.id, 3, TODAY(), True)
    db.session.rollback()
    with pytest.raises(ValidationFailed):
        record_follow_up(officer, referral.id, 4, TODAY(), True)
