"""Placements, referrals and their tasks follow the person's case, in the same transaction."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.audit_actions import AuditAction
from core.db import db
from core.people import retention, transfers
from core.people.models import Person
from core.tasks.models import Task, TaskStatus
from core.timeutil import local_today
from core.users import Role, User
from jobs_bases.bases.hours import decline_session
from jobs_bases.bases.models import BaseSession, Placement, PlacementStatus
from jobs_bases.jobs.followups import open_follow_up_tasks
from jobs_bases.jobs.models import Referral, ReferralStatus
from jobs_bases.jobs.referrals import record_outcome
from tests.factories import audit_events, make_unit, make_user
from tests.jobs_bases.factories import log, make_opening, make_scene, refer

TODAY = local_today


def _hired_long_ago(officer: User, person: Person) -> Referral:
    referral = refer(officer, person, make_opening())
    record_outcome(officer, referral.id, "hired", TODAY())
    referral.hired_on = referral.referred_on = TODAY() - timedelta(days=200)
    db.session.commit()
    open_follow_up_tasks()
    return referral


def test_ending_a_case_ends_placements_and_withdraws_open_referrals(ctx):
    scene = make_scene()
    officer, person = scene.officer, scene.person
    pending = refer(officer, person, make_opening())
    hired = _hired_long_ago(officer, person)
    ended_on = TODAY() - timedelta(days=1)

    retention.end_case(officer, person.id, ended_on)

    placement = db.session.get_one(Placement, scene.placement_id)
    assert (placement.status, placement.ended_on, placement.end_reason) == (
        PlacementStatus.ENDED,
        ended_on,
        "case_ended",
    )
    assert db.session.get_one(Referral, pending.id).status == ReferralStatus.WITHDRAWN
    # Never before the referral itself (it was made today, after the recorded end).
    assert db.session.get_one(Referral, pending.id).closed_on == TODAY()
    assert db.session.get_one(Referral, hired.id).status == ReferralStatus.HIRED
    open_tasks = db.session.scalars(
        select(Task).where(Task.kind == "retention_follow_up", Task.status == TaskStatus.OPEN)
    ).all()
    assert open_tasks == []
    assert audit_events(AuditAction.REFERRAL_WITHDRAW, pending.id)
    assert audit_events(AuditAction.PLACEMENT_END, scene.placement_id)


def test_a_transfer_moves_placements_referrals_and_their_tasks(ctx):
    scene = make_scene()
    officer, person = scene.officer, scene.person
    hired = _hired_long_ago(officer, person)
    target = make_unit(town="水口镇")
    receiver = make_user(Role.OFFICER, target)

    transfer = transfers.request_transfer(officer, person.id, target.id, "搬家")
    transfers.decide_transfer(receiver, transfer.id, accept=True)

    assert db.session.get_one(Placement, scene.placement_id).office_id == target.id
    assert db.session.get_one(Referral, hired.id).office_id == target.id
    tasks = db.session.scalars(
        select(Task).where(Task.kind == "retention_follow_up", Task.status == TaskStatus.OPEN)
    ).all()
    assert tasks and {t.scope_unit_id for t in tasks} == {target.id}
    # The old office sees none of it now; the new one does.
    from jobs_bases.bases.placements import get_placement

    assert get_placement(receiver, scene.placement_id).id == scene.placement_id


def test_anonymising_removes_free_text_notes_and_keeps_the_hours(ctx):
    scene = make_scene()
    officer, person = scene.officer, scene.person
    session = log(officer, scene.placement)
    decline_session(officer, session.id, "张三说他那天在医院")
    kept = log(officer, scene.placement, TODAY() - timedelta(days=2))
    placement = scene.placement
    placement.note = "有糖尿病，不宜重体力劳动"
    referral = refer(officer, person, make_opening())
    referral.note = "本人希望在家附近工作"
    db.session.commit()
    retention.end_case(officer, person.id, TODAY() - timedelta(days=3 * 365))

    assert retention.anonymise_ended(2) == 1

    db.session.expire_all()
    assert db.session.get_one(Placement, scene.placement_id).note == ""
    assert db.session.get_one(Referral, referral.id).note == ""
    declined = db.session.get_one(BaseSession, session.id)
    assert declined.decline_reason == "" and declined.status == "declined"
    assert db.session.get_one(BaseSession, kept.id).minutes == kept.minutes
