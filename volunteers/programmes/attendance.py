"""Checking in and out of a shift with its code, which makes the hours entry.

The coordinator tells the shift's code on the spot; the volunteer types it on their
phone to check in, and again to check out. Check-in opens an hour before the start
and closes at the end; check-out follows check-in and is possible until 12 hours
after the end. The time served counts whole minutes from check-in to check-out, at
most the shift's length plus two hours (a forgotten check-out does not make a day).
After five wrong codes the volunteer asks the coordinator.
"""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

from sqlalchemy import select

from core.db import db, utcnow
from volunteers.programmes.errors import SignupRefused
from volunteers.programmes.models import HoursEntry, HoursStatus, ShiftStatus, Signup, SignupStatus
from volunteers.programmes.signups import own_signup

CHECKIN_OPENS = timedelta(hours=1)
CHECKOUT_CLOSES = timedelta(hours=12)
OVERTIME = timedelta(hours=2)
MAX_CODE_FAILURES = 5


def _locked_own(volunteer_id: int, public_id: str) -> Signup:
    signup = own_signup(volunteer_id, public_id)
    locked = db.session.scalar(
        select(Signup)
        .where(Signup.id == signup.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert locked is not None
    return locked


def _check_code(signup: Signup, code: str) -> None:
    if signup.code_failures >= MAX_CODE_FAILURES:
        raise SignupRefused(
            "Too many wrong codes. Ask the coordinator on the spot to record your time."
        )
    typed = "".join(code.split())
    if not hmac.compare_digest(typed.encode(), signup.shift.checkin_code.encode()):
        # The failure must count even though the use case is refused: commit it first.
        signup.code_failures += 1
        db.session.commit()
        raise SignupRefused("Wrong code. Ask the coordinator for this shift's code.")


def check_in(
    volunteer_id: int, signup_public_id: str, code: str, now: datetime | None = None
) -> Signup:
    """Check in to a shift the volunteer has a place on, with the shift's code."""
    now = now or utcnow()
    signup = _locked_own(volunteer_id, signup_public_id)
    shift = signup.shift
    if signup.status != SignupStatus.CONFIRMED or shift.status != ShiftStatus.OPEN:
        raise SignupRefused("You have no place on this shift.")
    if signup.checked_in_at is not None:
        raise SignupRefused("You have checked in already.")
    if now < shift.starts_at - CHECKIN_OPENS:
        raise SignupRefused("Check-in opens an hour before the shift starts.")
    if now > shift.ends_at:
        raise SignupRefused("This shift has ended: check-in is closed.")
    _check_code(signup, code)
    signup.checked_in_at = now
    db.session.commit()
    return signup


def check_out(
    volunteer_id: int, signup_public_id: str, code: str, now: datetime | None = None
) -> HoursEntry:
    """Check out with the shift's code: the time served becomes an hours entry that
    waits for a coordinator's approval."""
    now = now or utcnow()
    signup = _locked_own(volunteer_id, signup_public_id)
    shift = signup.shift
    if signup.checked_in_at is None:
        raise SignupRefused("Check in first: you cannot check out before checking in.")
    if signup.checked_out_at is not None:
        raise SignupRefused("You have checked out already.")
    if now <= signup.checked_in_at:
        raise SignupRefused("Check in first: you cannot check out before checking in.")
    if now > shift.ends_at + CHECKOUT_CLOSES:
        raise SignupRefused(
            "Check-out is closed for this shift. Ask the coordinator to record your time."
        )
    _check_code(signup, code)
    signup.checked_out_at = now
    served = now - signup.checked_in_at
    longest = shift.ends_at - shift.starts_at + OVERTIME
    minutes = int(min(served, longest).total_seconds() // 60)
    entry = HoursEntry(
        signup_id=signup.id,
        volunteer_id=volunteer_id,
        shift_id=shift.id,
        minutes=minutes,
        status=HoursStatus.PENDING,
        reason="",
        created_at=now,
    )
    db.session.add(entry)
    db.session.commit()
    return entry
