"""Signing up for shifts: places, the waitlist, cancelling, and what ends sign-ups.

Rules:
- a volunteer signs up until the cut-off (`VOLUNTEER_SIGNUP_CUTOFF_H` before the
  start); an activity that involves the people helped takes approved volunteers only;
  a suspended or rejected volunteer signs up for nothing; a pending one only for
  activities that involve nobody helped;
- a sign-up that overlaps in time another of the volunteer's sign-ups (with a place
  or on a waitlist) is refused;
- a full shift puts the volunteer on its waitlist, first come first served; a freed
  place (a cancellation, a larger capacity, a suspension) goes at once to the first
  on the waitlist, who is told;
- a place is cancelled until the cut-off, a waitlist place until the shift starts.

Concurrency: a sign-up locks the volunteer's row (their own sign-ups one at a time:
overlap), holds their vetting row (a suspension cannot slip past it) and locks the
shift's row (capacity), always in that order. So the capacity and the overlap rule
hold under concurrent sign-ups on PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from core.db import db, utcnow
from core.errors import NotFound
from volunteers.accounts.messages import queue_for_volunteer
from volunteers.accounts.models import Volunteer
from volunteers.programmes.errors import SignupRefused
from volunteers.programmes.models import (
    Activity,
    CancelReason,
    Shift,
    ShiftStatus,
    Signup,
    SignupStatus,
)
from volunteers.vetting.models import VettingStatus
from volunteers.vetting.services import status_for_update

ACTIVE = (SignupStatus.CONFIRMED, SignupStatus.WAITLISTED)
PROMOTED_KIND = "waitlist_promoted"
SHIFT_CANCELLED_KIND = "shift_cancelled"


def locked_shift(shift_id: int) -> Shift:
    shift = db.session.scalar(
        select(Shift)
        .where(Shift.id == shift_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if shift is None:
        raise NotFound("There is no such shift.")
    return shift


def confirmed_count(shift_id: int) -> int:
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(Signup)
            .where(Signup.shift_id == shift_id, Signup.status == SignupStatus.CONFIRMED)
        )
        or 0
    )


def own_signup(volunteer_id: int, public_id: str) -> Signup:
    """The volunteer's own sign-up; anyone else's answers NotFound, like a missing one."""
    signup = db.session.scalar(
        select(Signup).where(
            Signup.public_id == public_id[:36], Signup.volunteer_id == volunteer_id
        )
    )
    if signup is None:
        raise NotFound("There is no such sign-up.")
    return signup


def fill_from_waitlist(shift: Shift, now: datetime | None = None) -> list[Signup]:
    """Give free places of a locked shift to the first on its waitlist; they are told."""
    promoted: list[Signup] = []
    free = shift.capacity - confirmed_count(shift.id)
    if free <= 0 or shift.status != ShiftStatus.OPEN:
        return promoted
    waiting = db.session.scalars(
        select(Signup)
        .where(Signup.shift_id == shift.id, Signup.status == SignupStatus.WAITLISTED)
        .order_by(Signup.signed_up_at, Signup.id)
        .limit(free)
    )
    for signup in waiting:
        signup.status = SignupStatus.CONFIRMED
        signup.confirmed_at = now or utcnow()
        queue_for_volunteer(
            signup.volunteer,
            PROMOTED_KIND,
            f"waitlist-promoted:{signup.id}:{signup.confirmed_at.isoformat()}",
            {"shift_id": shift.id},
        )
        promoted.append(signup)
    db.session.flush()
    return promoted


def _overlapping(volunteer_id: int, shift: Shift) -> bool:
    other = db.session.scalar(
        select(Signup.id)
        .join(Shift, Shift.id == Signup.shift_id)
        .where(
            Signup.volunteer_id == volunteer_id,
            Signup.status.in_(ACTIVE),
            Shift.id != shift.id,
            Shift.status == ShiftStatus.OPEN,
            Shift.starts_at < shift.ends_at,
            Shift.ends_at > shift.starts_at,
        )
        .limit(1)
    )
    return other is not None


def _may_take_part(volunteer_id: int, activity: Activity) -> None:
    status = status_for_update(volunteer_id)
    if status in (VettingStatus.SUSPENDED, VettingStatus.REJECTED):
        raise SignupRefused(
            "Your volunteer account may not sign up for shifts. Ask the coordinator."
        )
    if activity.needs_vetting and status is not VettingStatus.APPROVED:
        raise SignupRefused(
            "This activity involves the people we help: only vetted and approved volunteers may sign up."
        )


def sign_up(
    volunteer_id: int, shift_public_id: str, *, cutoff: timedelta, now: datetime | None = None
) -> Signup:
    """A place on the shift, or a place on its waitlist when it is full (the sign-up's
    status says which); SignupRefused when a rule says no."""
    now = now or utcnow()
    volunteer = db.session.scalar(
        select(Volunteer).where(Volunteer.id == volunteer_id).with_for_update()
    )
    if volunteer is None or not volunteer.active:
        raise NotFound("There is no such volunteer.")
    found = db.session.scalar(select(Shift).where(Shift.public_id == shift_public_id[:36]))
    if found is None:
        raise NotFound("There is no such shift.")
    _may_take_part(volunteer_id, found.activity)
    shift = locked_shift(found.id)
    if shift.status != ShiftStatus.OPEN:
        raise SignupRefused("This shift was cancelled.")
    if now >= shift.starts_at - cutoff:
        raise SignupRefused("Sign-up for this shift has closed.")
    signup = db.session.scalar(
        select(Signup).where(Signup.shift_id == shift.id, Signup.volunteer_id == volunteer_id)
    )
    if signup is not None and signup.status in ACTIVE:
        raise SignupRefused("You have signed up for this shift already.")
    if _overlapping(volunteer_id, shift):
        raise SignupRefused("You have signed up for another shift at the same time.")
    full = confirmed_count(shift.id) >= shift.capacity
    if signup is None:
        signup = Signup(shift_id=shift.id, volunteer_id=volunteer_id, code_failures=0)
        db.session.add(signup)
    signup.status = SignupStatus.WAITLISTED if full else SignupStatus.CONFIRMED
    signup.signed_up_at = now
    signup.confirmed_at = None if full else now
    signup.cancelled_at = None
    signup.cancel_reason = None
    db.session.commit()
    return signup


def cancel_signup(
    volunteer_id: int, signup_public_id: str, *, cutoff: timedelta, now: datetime | None = None
) -> Signup:
    """The volunteer gives up a place (until the cut-off) or leaves the waitlist (until
    the start); a freed place goes to the first on the waitlist."""
    now = now or utcnow()
    signup = own_signup(volunteer_id, signup_public_id)
    shift = locked_shift(signup.shift_id)
    db.session.refresh(signup)
    if signup.status not in ACTIVE:
        raise SignupRefused("This sign-up was cancelled already.")
    if signup.status == SignupStatus.CONFIRMED and now >= shift.starts_at - cutoff:
        raise SignupRefused(
            "It is too late to cancel here: the shift is less than %(h)d hours away. Tell the coordinator.",
            h=int(cutoff.total_seconds() // 3600),
        )
    if now >= shift.starts_at:
        raise SignupRefused("This shift has started.")
    was_confirmed = signup.status == SignupStatus.CONFIRMED
    _cancel(signup, CancelReason.VOLUNTEER, now)
    if was_confirmed:
        fill_from_waitlist(shift, now)
    db.session.commit()
    return signup


def _cancel(signup: Signup, reason: CancelReason, now: datetime) -> None:
    signup.status = SignupStatus.CANCELLED
    signup.cancelled_at = now
    signup.cancel_reason = reason


def on_volunteer_suspended(_sender: object, *, volunteer_id: int, **_kw: object) -> None:
    """Suspension ends the volunteer's sign-ups for shifts not yet started, in the
    suspension's transaction; their places go to the waitlists."""
    now = utcnow()
    shift_ids = sorted(
        db.session.scalars(
            select(Signup.shift_id)
            .join(Shift, Shift.id == Signup.shift_id)
            .where(
                Signup.volunteer_id == volunteer_id,
                Signup.status.in_(ACTIVE),
                Shift.starts_at > now,
            )
        )
    )
    for shift_id in shift_ids:  # in id order, so two suspensions never deadlock
        shift = locked_shift(shift_id)
        signup = db.session.scalar(
            select(Signup)
            .where(Signup.shift_id == shift_id, Signup.volunteer_id == volunteer_id)
            .execution_options(populate_existing=True)
        )
        if signup is None or signup.status not in ACTIVE:
            continue
        was_confirmed = signup.status == SignupStatus.CONFIRMED
        _cancel(signup, CancelReason.SUSPENDED, now)
        if was_confirmed:
            db.session.flush()
            fill_from_waitlist(shift, now)
    db.session.flush()


def end_signups_of_cancelled_shift(shift: Shift) -> None:
    """Every sign-up of a shift just cancelled ends; each volunteer is told."""
    now = utcnow()
    for signup in db.session.scalars(
        select(Signup).where(Signup.shift_id == shift.id, Signup.status.in_(ACTIVE))
    ):
        _cancel(signup, CancelReason.SHIFT_CANCELLED, now)
        queue_for_volunteer(
            signup.volunteer,
            SHIFT_CANCELLED_KIND,
            f"shift-cancelled:{signup.id}",
            {"shift_id": shift.id},
        )
    db.session.flush()
