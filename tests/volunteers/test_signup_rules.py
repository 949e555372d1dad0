"""Sign-up rules: who may sign up, the cut-off, overlap, the waitlist and its promotion,
cancelling, suspension and cancelled shifts, capacity changes, reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.db import db
from core.errors import NotFound
from core.outbox import OutboxMessage
from tests.factories import audit_events
from tests.volunteers.factories import (
    approve,
    make_approved_volunteer,
    make_setting,
    make_volunteer,
)
from volunteers.programmes import catalogue, signups
from volunteers.programmes.errors import ShiftInvalid, SignupRefused
from volunteers.programmes.models import Signup, SignupStatus
from volunteers.programmes.reminders import queue_reminders
from volunteers.vetting import services as vetting
from volunteers.vetting.services import Outcome

CUTOFF = timedelta(hours=24)


def _sign_up(volunteer_id: int, shift_public_id: str) -> Signup:
    return signups.sign_up(volunteer_id, shift_public_id, cutoff=CUTOFF)


def _status(signup_id: int) -> str:
    db.session.expire_all()
    return db.session.get_one(Signup, signup_id).status


def _messages(kind: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)))


def test_an_activity_with_the_people_helped_takes_approved_volunteers_only(ctx):
    setting = make_setting(needs_vetting=True)
    shift = setting.shift()
    pending = make_volunteer().id
    with pytest.raises(SignupRefused, match="approved"):
        _sign_up(pending, shift.public_id)
    approve(pending)
    assert _sign_up(pending, shift.public_id).status == SignupStatus.CONFIRMED


def test_a_pending_volunteer_may_help_where_nobody_helped_is_met(ctx):
    setting = make_setting(needs_vetting=False)
    shift = setting.shift()
    assert _sign_up(make_volunteer().id, shift.public_id).status == SignupStatus.CONFIRMED


@pytest.mark.parametrize("outcome", [Outcome.REJECT, Outcome.SUSPEND])
def test_rejected_and_suspended_volunteers_sign_up_for_nothing(ctx, outcome):
    setting = make_setting(needs_vetting=False)
    shift = setting.shift()
    volunteer_id = make_volunteer().id
    if outcome is Outcome.SUSPEND:
        approve(volunteer_id, setting.coordinator)
    vetting.decide(setting.coordinator, volunteer_id, outcome, "原因")
    with pytest.raises(SignupRefused, match="may not sign up"):
        _sign_up(volunteer_id, shift.public_id)


def test_sign_up_closes_at_the_cut_off(ctx, clock):
    setting = make_setting()
    shift = setting.shift(starts_in=timedelta(days=2))
    volunteer_id = make_approved_volunteer().id
    clock.to(shift.starts_at - CUTOFF + timedelta(seconds=1))
    with pytest.raises(SignupRefused, match="closed"):
        _sign_up(volunteer_id, shift.public_id)
    clock.to(shift.starts_at - CUTOFF - timedelta(minutes=1))
    assert _sign_up(volunteer_id, shift.public_id).status == SignupStatus.CONFIRMED


def test_overlapping_sign_ups_are_refused_even_across_programmes(ctx):
    first, second = make_setting(), make_setting()
    a = first.shift(starts_in=timedelta(days=3), length=timedelta(hours=3))
    b = second.shift(starts_in=timedelta(days=3, hours=2), length=timedelta(hours=3))
    c = second.shift(starts_in=timedelta(days=3, hours=3), length=timedelta(hours=1))
    volunteer_id = make_approved_volunteer().id
    _sign_up(volunteer_id, a.public_id)
    with pytest.raises(SignupRefused, match="same time"):
        _sign_up(volunteer_id, b.public_id)
    # Back to back is no overlap.
    assert _sign_up(volunteer_id, c.public_id).status == SignupStatus.CONFIRMED


def test_signing_up_twice_is_refused(ctx):
    shift = make_setting().shift()
    volunteer_id = make_approved_volunteer().id
    _sign_up(volunteer_id, shift.public_id)
    with pytest.raises(SignupRefused, match="already"):
        _sign_up(volunteer_id, shift.public_id)


def test_a_full_shift_waitlists_and_a_freed_place_goes_to_the_first_waiting(ctx, clock):
    setting = make_setting()
    shift = setting.shift(capacity=1)
    first, second, third = (make_approved_volunteer().id for _ in range(3))
    taken = _sign_up(first, shift.public_id)
    clock.travel(seconds=1)
    waiting_1 = _sign_up(second, shift.public_id)
    clock.travel(seconds=1)
    waiting_2 = _sign_up(third, shift.public_id)
    assert [waiting_1.status, waiting_2.status] == [SignupStatus.WAITLISTED] * 2

    signups.cancel_signup(first, taken.public_id, cutoff=CUTOFF)
    assert _status(waiting_1.id) == SignupStatus.CONFIRMED
    assert _status(waiting_2.id) == SignupStatus.WAITLISTED
    assert [m.recipient for m in _messages("waitlist_promoted")] == [str(second)]


def test_a_place_is_cancelled_until_the_cut_off_and_a_waitlist_place_until_the_start(ctx, clock):
    setting = make_setting()
    shift = setting.shift(capacity=1, starts_in=timedelta(days=2))
    holder, waiting = make_approved_volunteer().id, make_approved_volunteer().id
    place = _sign_up(holder, shift.public_id)
    queued = _sign_up(waiting, shift.public_id)
    clock.to(shift.starts_at - timedelta(hours=2))
    with pytest.raises(SignupRefused, match="too late"):
        signups.cancel_signup(holder, place.public_id, cutoff=CUTOFF)
    signups.cancel_signup(waiting, queued.public_id, cutoff=CUTOFF)
    assert _status(queued.id) == SignupStatus.CANCELLED
    with pytest.raises(SignupRefused):
        signups.cancel_signup(waiting, queued.public_id, cutoff=CUTOFF)


def test_cancelling_another_volunteers_sign_up_is_not_found(ctx):
    shift = make_setting().shift()
    mine = _sign_up(make_approved_volunteer().id, shift.public_id)
    with pytest.raises(NotFound):
        signups.cancel_signup(make_approved_volunteer().id, mine.public_id, cutoff=CUTOFF)
    assert _status(mine.id) == SignupStatus.CONFIRMED


def test_signing_up_again_after_cancelling_goes_to_the_back_of_the_line(ctx, clock):
    shift = make_setting().shift(capacity=1)
    a, b = make_approved_volunteer().id, make_approved_volunteer().id
    first = _sign_up(a, shift.public_id)
    clock.travel(seconds=1)
    _sign_up(b, shift.public_id)  # waitlisted
    signups.cancel_signup(a, first.public_id, cutoff=CUTOFF)  # b gets the place
    clock.travel(seconds=1)
    again = _sign_up(a, shift.public_id)
    assert again.id == first.id and again.status == SignupStatus.WAITLISTED


def test_suspension_ends_future_sign_ups_at_once_and_frees_their_places(ctx, clock):
    setting = make_setting()
    soon = setting.shift(capacity=1, starts_in=timedelta(days=2))
    later = setting.shift(capacity=2, starts_in=timedelta(days=5))
    suspended = make_approved_volunteer().id
    other = make_approved_volunteer().id
    held = _sign_up(suspended, soon.public_id)
    queued_elsewhere = _sign_up(suspended, later.public_id)
    clock.travel(seconds=1)
    waiting = _sign_up(other, soon.public_id)
    assert waiting.status == SignupStatus.WAITLISTED

    vetting.decide(setting.coordinator, suspended, Outcome.SUSPEND, "违反守则")

    assert _status(held.id) == SignupStatus.CANCELLED
    assert _status(queued_elsewhere.id) == SignupStatus.CANCELLED
    assert db.session.get_one(Signup, held.id).cancel_reason == "suspended"
    assert _status(waiting.id) == SignupStatus.CONFIRMED


def test_suspension_leaves_past_shifts_alone(ctx, clock):
    setting = make_setting()
    shift = setting.shift(starts_in=timedelta(days=2))
    volunteer_id = make_approved_volunteer().id
    held = _sign_up(volunteer_id, shift.public_id)
    clock.to(shift.ends_at + timedelta(hours=1))
    vetting.decide(setting.coordinator, volunteer_id, Outcome.SUSPEND, "违反守则")
    assert _status(held.id) == SignupStatus.CONFIRMED


def test_a_cancelled_shift_ends_its_sign_ups_and_tells_the_volunteers(ctx):
    setting = make_setting()
    shift = setting.shift(capacity=1)
    a, b = make_approved_volunteer().id, make_approved_volunteer().id
    _sign_up(a, shift.public_id)
    _sign_up(b, shift.public_id)
    with pytest.raises(ShiftInvalid):
        catalogue.cancel_shift(setting.coordinator, shift.id, "  ")
    catalogue.cancel_shift(setting.coordinator, shift.id, "台风停课")
    statuses = set(db.session.scalars(select(Signup.status).where(Signup.shift_id == shift.id)))
    assert statuses == {SignupStatus.CANCELLED}
    assert sorted(m.recipient for m in _messages("shift_cancelled")) == sorted([str(a), str(b)])
    assert audit_events("shift.cancel", shift.id)[0].detail["reason"] == "台风停课"
    with pytest.raises(SignupRefused, match="cancelled"):
        _sign_up(make_approved_volunteer().id, shift.public_id)


def test_a_larger_capacity_fills_from_the_waitlist_and_a_smaller_one_keeps_places(ctx):
    setting = make_setting()
    shift = setting.shift(capacity=1)
    a, b = make_approved_volunteer().id, make_approved_volunteer().id
    _sign_up(a, shift.public_id)
    waiting = _sign_up(b, shift.public_id)
    catalogue.change_capacity(setting.coordinator, shift.id, 2)
    assert _status(waiting.id) == SignupStatus.CONFIRMED
    with pytest.raises(ShiftInvalid, match="More volunteers"):
        catalogue.change_capacity(setting.coordinator, shift.id, 1)


def test_reminders_go_out_once_for_places_on_shifts_starting_soon(ctx, clock):
    setting = make_setting()
    soon = setting.shift(starts_in=timedelta(days=2))
    far = setting.shift(starts_in=timedelta(days=9))
    volunteer_id = make_approved_volunteer().id
    _sign_up(volunteer_id, soon.public_id)
    _sign_up(volunteer_id, far.public_id)
    clock.to(soon.starts_at - timedelta(hours=20))
    assert queue_reminders(timedelta(hours=24)) == 1
    assert queue_reminders(timedelta(hours=24)) == 0
    assert [m.recipient for m in _messages("shift_reminder")] == [str(volunteer_id)]


def test_reminders_are_delivered_through_the_volunteer_sender(ctx, clock, delivery):
    from volunteers.accounts.messages import send_volunteer_messages

    shift = make_setting().shift(starts_in=timedelta(days=2))
    volunteer_id = make_approved_volunteer(email="", phone="19900009999").id
    _sign_up(volunteer_id, shift.public_id)
    clock.to(shift.starts_at - timedelta(hours=3))
    queue_reminders(timedelta(hours=24))
    assert send_volunteer_messages() == 1
    channel, address, text = delivery.sent[0]
    assert (channel, address) == ("volunteer_sms", "19900009999")
    assert "志愿服务提醒" == text.subject and shift.place in text.body
