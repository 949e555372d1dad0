"""Check-in and check-out with the shift's code, and the hours they make."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.db import db
from core.errors import NotFound
from tests.volunteers.factories import make_approved_volunteer, make_setting
from volunteers.programmes import attendance, hours, signups
from volunteers.programmes.errors import HoursRefused, SignupRefused
from volunteers.programmes.models import HoursStatus, Signup

CUTOFF = timedelta(hours=24)


@pytest.fixture()
def booked(ctx, clock):
    setting = make_setting()
    shift = setting.shift(starts_in=timedelta(days=2), length=timedelta(hours=3))
    volunteer_id = make_approved_volunteer().id
    signup = signups.sign_up(volunteer_id, shift.public_id, cutoff=CUTOFF)
    return setting, shift, volunteer_id, signup.public_id


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_a_wrong_code_is_refused_and_counted(booked, clock):
    _setting, shift, volunteer_id, signup_id = booked
    clock.to(shift.starts_at)
    with pytest.raises(SignupRefused, match="Wrong code"):
        attendance.check_in(volunteer_id, signup_id, _wrong(shift.checkin_code))
    db.session.expire_all()
    signup = db.session.get_one(Signup, signups.own_signup(volunteer_id, signup_id).id)
    assert signup.code_failures == 1 and signup.checked_in_at is None


def test_five_wrong_codes_send_the_volunteer_to_the_coordinator(booked, clock):
    _setting, shift, volunteer_id, signup_id = booked
    clock.to(shift.starts_at)
    for _ in range(attendance.MAX_CODE_FAILURES):
        with pytest.raises(SignupRefused, match="Wrong code"):
            attendance.check_in(volunteer_id, signup_id, _wrong(shift.checkin_code))
    with pytest.raises(SignupRefused, match="Too many wrong codes"):
        attendance.check_in(volunteer_id, signup_id, shift.checkin_code)


def test_check_in_opens_an_hour_before_and_closes_at_the_end(booked, clock):
    _setting, shift, volunteer_id, signup_id = booked
    clock.to(shift.starts_at - timedelta(hours=1, minutes=1))
    with pytest.raises(SignupRefused, match="opens an hour"):
        attendance.check_in(volunteer_id, signup_id, shift.checkin_code)
    clock.to(shift.ends_at + timedelta(minutes=1))
    with pytest.raises(SignupRefused, match="ended"):
        attendance.check_in(volunteer_id, signup_id, shift.checkin_code)


def test_check_out_before_check_in_is_refused(booked, clock):
    _setting, shift, volunteer_id, signup_id = booked
    clock.to(shift.starts_at)
    with pytest.raises(SignupRefused, match="Check in first"):
        attendance.check_out(volunteer_id, signup_id, shift.checkin_code)


def test_checking_in_and_out_makes_pending_hours_in_whole_minutes(booked, clock):
    _setting, shift, volunteer_id, signup_id = booked
    clock.to(shift.starts_at - timedelta(minutes=10))
    attendance.check_in(volunteer_id, signup_id, f" {shift.checkin_code} ")
    with pytest.raises(SignupRefused, match="already"):
        attendance.check_in(volunteer_id, signup_id, shift.checkin_code)
    clock.travel(hours=2, minutes=30, seconds=59)
    entry = attendance.check_out(volunteer_id, signup_id, shift.checkin_code)
    assert entry.minutes == 150 and entry.status == HoursStatus.PENDING
    with pytest.raises(SignupRefused, match="already"):
        attendance.check_out(volunteer_id, signup_id, shift.checkin_code)


def test_a_forgotten_check_out_counts_at_most_the_shift_and_two_hours(booked, clock):
    _setting, shift, volunteer_id, signup_id = booked
    clock.to(shift.starts_at)
    attendance.check_in(volunteer_id, signup_id, shift.checkin_code)
    clock.travel(hours=10)
    entry = attendance.check_out(volunteer_id, signup_id, shift.checkin_code)
    assert entry.minutes == 5 * 60
    clock.travel(hours=10)


def test_check_out_closes_twelve_hours_after_the_end(booked, clock):
    _setting, shift, volunteer_id, signup_id = booked
    clock.to(shift.starts_at)
    attendance.check_in(volunteer_id, signup_id, shift.checkin_code)
    clock.to(shift.ends_at + timedelta(hours=12, minutes=1))
    with pytest.raises(SignupRefused, match="closed"):
        attendance.check_out(volunteer_id, signup_id, shift.checkin_code)


def test_a_waitlisted_volunteer_cannot_check_in(ctx, clock):
    setting = make_setting()
    shift = setting.shift(capacity=1, starts_in=timedelta(days=2))
    signups.sign_up(make_approved_volunteer().id, shift.public_id, cutoff=CUTOFF)
    waiting_volunteer = make_approved_volunteer().id
    waiting = signups.sign_up(waiting_volunteer, shift.public_id, cutoff=CUTOFF)
    clock.to(shift.starts_at)
    with pytest.raises(SignupRefused, match="no place"):
        attendance.check_in(waiting_volunteer, waiting.public_id, shift.checkin_code)


def test_another_volunteers_sign_up_is_not_found(booked, clock):
    _setting, shift, _volunteer_id, signup_id = booked
    stranger = make_approved_volunteer().id
    clock.to(shift.starts_at)
    with pytest.raises(NotFound):
        attendance.check_in(stranger, signup_id, shift.checkin_code)


def test_declined_hours_are_kept_with_their_reason_and_count_nowhere(booked, clock):
    setting, shift, volunteer_id, signup_id = booked
    clock.to(shift.starts_at)
    attendance.check_in(volunteer_id, signup_id, shift.checkin_code)
    clock.travel(hours=1)
    entry = attendance.check_out(volunteer_id, signup_id, shift.checkin_code)
    declined = hours.decline_hours(setting.coordinator, entry.id, "当天未到岗，签到有误")
    assert declined.status == HoursStatus.DECLINED and declined.reason == "当天未到岗，签到有误"
    assert hours.approved_minutes(volunteer_id) == 0
    assert [e.status for e in hours.own_hours(volunteer_id)] == ["declined"]
    with pytest.raises(HoursRefused):
        hours.approve_hours(setting.coordinator, entry.id)
    with pytest.raises(NotFound):
        hours.certificate(volunteer_id, shift.starts_at.year)


def test_totals_per_volunteer_programme_and_month(ctx, clock):
    setting = make_setting()
    a = setting.shift(starts_in=timedelta(days=2), length=timedelta(hours=2))
    b = setting.shift(starts_in=timedelta(days=40), length=timedelta(hours=2))
    volunteer = make_approved_volunteer()
    volunteer_id, public_id, name = volunteer.id, volunteer.public_id, volunteer.display_name
    for shift in (a, b):
        clock.to(shift.starts_at - timedelta(days=3))
        signup = signups.sign_up(volunteer_id, shift.public_id, cutoff=CUTOFF)
        clock.to(shift.starts_at)
        attendance.check_in(volunteer_id, signup.public_id, shift.checkin_code)
        clock.travel(hours=1, minutes=30)
        entry = attendance.check_out(volunteer_id, signup.public_id, shift.checkin_code)
        hours.approve_hours(setting.coordinator, entry.id)
    totals = hours.totals(setting.coordinator)
    assert totals.by_volunteer == [(public_id, name, 180)]
    assert [m for _p, m in totals.by_programme] == [180]
    assert sum(m for _month, m in totals.by_month) == 180
    assert hours.format_hours(180) == "3" and hours.format_hours(100) == "1.67"
