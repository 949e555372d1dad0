"""Bases, placements and hours: the rules, at the service layer. Every refusal is a domain
error with a message, and nothing of a refused use case stays."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from core.audit_actions import AuditAction
from core.db import db
from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from core.timeutil import local_today
from core.towns import BY_NAME
from core.users import Role
from jobs_bases.bases.hours import SessionInput, approve_session, decline_session, log_session
from jobs_bases.bases.models import BaseSession, HoursStatus, Placement, PlacementStatus
from jobs_bases.bases.placements import end_placement
from jobs_bases.bases.queries import (
    hours_this_month,
    idle_placements,
    people_placed,
    person_hours,
    placement_hours,
)
from jobs_bases.bases.services import BaseInput, retire_base, save_base
from jobs_bases.consent.models import Consent
from tests.factories import audit_events, make_admin, make_person, make_unit, make_user
from tests.jobs_bases.factories import log, make_base_row, make_scene, place

TODAY = local_today


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


# -- bases ---------------------------------------------------------------------------------------


def test_a_base_takes_its_position_from_its_town(ctx):
    base = make_base_row(town="赤水镇")

    assert (base.lat, base.lng) == (BY_NAME["赤水镇"].lat, BY_NAME["赤水镇"].lng)
    assert audit_events(AuditAction.BASE_SAVE, base.id)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"town": "北京市"}, "town"),
        ({"kind": "prison"}, "kind"),
        ({"capacity": 0}, "capacity"),
        ({"activities": [" "]}, "activities"),
        ({"name": " "}, "name"),
    ],
)
def test_bad_base_input_is_refused_on_its_field(ctx, changes, field):
    data = BaseInput(
        name="公益基地X", kind="welfare", town="赤坎镇", capacity=3, activities=["清洁"]
    )
    for key, value in changes.items():
        setattr(data, key, value)

    with pytest.raises(ValidationFailed) as refused:
        save_base(make_admin(), None, data)

    assert refused.value.field == field


def test_only_admins_manage_bases(ctx):
    officer = make_user(Role.OFFICER, make_unit())
    base = make_base_row()

    with pytest.raises(PermissionDenied):
        retire_base(officer, base.id)


# -- placements --------------------------------------------------------------------------------


def test_capacity_counts_people_at_the_same_time(ctx):
    office = make_unit()
    officer = make_user(Role.OFFICER, office)
    base = make_base_row(capacity=1)
    first, second, third = (make_person(officer, office) for _ in range(3))
    place(officer, first, base, starts_on=TODAY(), ends_on=TODAY() + timedelta(days=30))

    with pytest.raises(Conflict, match="full"):
        place(
            officer,
            second,
            base,
            starts_on=TODAY() + timedelta(days=20),
            ends_on=TODAY() + timedelta(days=50),
        )
    db.session.rollback()
    later = place(
        officer,
        third,
        base,
        starts_on=TODAY() + timedelta(days=31),
        ends_on=TODAY() + timedelta(days=60),
    )

    assert later.status == PlacementStatus.ACTIVE
    assert _count(Placement) == 2
    # The refused placement left no consent behind either.
    assert _count(Consent) == 2


def test_no_placement_on_a_retired_base_nor_with_bad_dates(ctx):
    office = make_unit()
    officer = make_user(Role.OFFICER, office)
    person = make_person(officer, office)
    retired = make_base_row()
    retire_base(make_admin(), retired.id)
    open_base = make_base_row()

    with pytest.raises(Conflict, match="retired"):
        place(officer, person, retired)
    db.session.rollback()
    with pytest.raises(ValidationFailed, match="before it starts"):
        place(officer, person, open_base, starts_on=TODAY(), ends_on=TODAY() - timedelta(days=1))
    db.session.rollback()
    with pytest.raises(ValidationFailed, match="already be over"):
        place(
            officer,
            person,
            open_base,
            starts_on=TODAY() - timedelta(days=40),
            ends_on=TODAY() - timedelta(days=1),
        )
    db.session.rollback()

    assert _count(Placement) == 0 and _count(Consent) == 0


def test_one_person_is_not_placed_twice_at_a_base_at_once(ctx):
    scene = make_scene()

    with pytest.raises(Conflict, match="already placed"):
        place(scene.officer, scene.person, scene.placement.base)


def test_officers_of_another_office_cannot_place_the_person(ctx):
    office = make_unit()
    officer = make_user(Role.OFFICER, office)
    person = make_person(officer, office)
    stranger = make_user(Role.OFFICER, make_unit(town="水口镇"))

    with pytest.raises(NotFound):
        place(stranger, person, make_base_row())


def test_ending_a_placement_checks_its_date(ctx):
    scene = make_scene()

    with pytest.raises(ValidationFailed, match="future"):
        end_placement(scene.officer, scene.placement_id, TODAY() + timedelta(days=1))
    db.session.rollback()
    ended = end_placement(scene.officer, scene.placement_id, TODAY())

    assert ended.status == PlacementStatus.ENDED and ended.ended_on == TODAY()
    assert audit_events(AuditAction.PLACEMENT_END, scene.placement_id)


# -- sessions and hours -------------------------------------------------------------------------


def test_overlapping_sessions_of_one_person_are_refused_across_bases(ctx):
    scene = make_scene()
    other_base = make_base_row(town="水口镇")
    elsewhere = place(scene.officer, scene.person, other_base)
    day = TODAY() - timedelta(days=2)
    log(scene.officer, scene.placement, day, "09:00", "11:00")

    with pytest.raises(Conflict, match="cannot overlap") as refused:
        log(scene.officer, elsewhere, day, "10:30", "12:00")
    db.session.rollback()
    back_to_back = log(scene.officer, elsewhere, day, "11:00", "12:00")

    assert refused.value.params == {"start": "09:00", "end": "11:00"}
    assert back_to_back.minutes == 60
    assert _count(BaseSession) == 2


def test_a_declined_session_does_not_block_the_corrected_one(ctx):
    scene = make_scene()
    day = TODAY() - timedelta(days=3)
    wrong = log(scene.officer, scene.placement, day, "09:00", "17:00")
    decline_session(scene.contact, wrong.id, "实际只到了上午")

    right = log(scene.contact, scene.placement, day, "09:00", "12:00")

    kept = db.session.get_one(BaseSession, wrong.id)
    assert kept.status == HoursStatus.DECLINED and kept.decline_reason == "实际只到了上午"
    assert right.status == HoursStatus.PENDING
    assert audit_events(AuditAction.BASE_HOURS_DECLINE, wrong.id)


@pytest.mark.parametrize(
    ("day", "start", "end", "message"),
    [
        (1, "09:00", "10:00", "before they end"),
        (-1, "10:00", "09:00", "end before it starts"),
        (-1, "10:00", "10:00", "end before it starts"),
        (-100, "09:00", "10:00", "outside the placement"),
        (-1, "06:00", "19:00", "lasts at most"),
    ],
)
def test_bad_sessions_are_refused_with_a_reason(ctx, day, start, end, message):
    scene = make_scene()

    with pytest.raises(ValidationFailed, match=message):
        log(scene.officer, scene.placement, TODAY() + timedelta(days=day), start, end)
    db.session.rollback()

    assert _count(BaseSession) == 0


def test_an_activity_the_base_does_not_offer_is_refused(ctx):
    scene = make_scene()

    with pytest.raises(ValidationFailed, match="activities"):
        log(scene.officer, scene.placement, activity="打麻将")


def test_no_hours_on_a_retired_base(ctx):
    scene = make_scene()
    retire_base(make_admin(), scene.base_id)

    with pytest.raises(Conflict, match="retired"):
        log(scene.contact, scene.placement)


def test_hours_are_decided_once_and_counted_when_approved(ctx):
    scene = make_scene()
    session = log(scene.officer, scene.placement, TODAY() - timedelta(days=1), "09:00", "11:30")
    pending = log(scene.officer, scene.placement, TODAY() - timedelta(days=2), "09:00", "10:00")

    approve_session(scene.contact, session.id)
    with pytest.raises(Conflict, match="already been decided"):
        decline_session(scene.officer, session.id, "重复")
    db.session.rollback()
    with pytest.raises(ValidationFailed, match="Say why"):
        decline_session(scene.officer, pending.id, "  ")
    db.session.rollback()

    summary = placement_hours(scene.placement)
    month = summary.months[0] if summary.months[0].approved_minutes else summary.months[-1]
    assert sum(m.approved_minutes for m in summary.months) == 150
    assert sum(m.pending_minutes for m in summary.months) == 60
    assert month.approved_hours in (2.5,)
    assert summary.total_approved_hours == 2.5
    assert audit_events(AuditAction.BASE_HOURS_APPROVE, session.id)
    assert audit_events(AuditAction.BASE_HOURS_LOG, session.id)


def test_auditors_neither_log_nor_decide(ctx):
    scene = make_scene()
    auditor = make_user(Role.AUDITOR)
    session = log(scene.officer, scene.placement)

    with pytest.raises(PermissionDenied):
        approve_session(auditor, session.id)
    db.session.rollback()
    with pytest.raises(PermissionDenied):
        log_session(
            auditor,
            scene.placement_id,
            SessionInput(TODAY() - timedelta(days=1), time(9), time(10), "环境清洁"),
        )


def test_a_base_contact_decides_only_their_own_base(ctx):
    scene = make_scene()
    other = make_scene()
    session = log(other.officer, other.placement)

    with pytest.raises(NotFound):
        approve_session(scene.contact, session.id)


def test_read_models_count_hours_people_and_who_logged_nothing(ctx):
    scene = make_scene()
    idle = make_scene()
    idle_officer = idle.officer
    session = log(scene.officer, scene.placement, TODAY().replace(day=1), "08:00", "10:00")
    approve_session(scene.officer, session.id)

    assert hours_this_month(scene.officer) == 2
    assert people_placed(scene.officer) == 1
    assert [p.id for p in idle_placements(idle_officer)] == [idle.placement_id]
    assert idle_placements(scene.officer) == []
    hours = person_hours(scene.officer, scene.person_id)
    assert hours is not None and hours.total_approved_hours == 2.0
    # Another office's officer sees none of it.
    assert person_hours(idle_officer, scene.person_id) is None
    assert hours_this_month(idle_officer) == 0
