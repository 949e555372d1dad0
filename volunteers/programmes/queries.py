"""What the programme pages show (reads only; scope applied here as in the services)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from core.db import db, utcnow
from core.errors import NotFound
from core.users import Role, User
from volunteers.accounts.models import Organisation, Volunteer
from volunteers.programmes.models import (
    Activity,
    HoursEntry,
    Programme,
    ProgrammeCoordinator,
    Shift,
    ShiftStatus,
    Signup,
    SignupStatus,
)
from volunteers.programmes.scope import (
    may_run,
    seen_activity,
    seen_programme,
    seen_shift,
    visible_programme_ids,
)
from volunteers.programmes.signups import own_signup
from volunteers.vetting.models import VettingStatus
from volunteers.vetting.services import status_of


@dataclass(frozen=True)
class ShiftRow:
    shift: Shift
    confirmed: int
    waitlisted: int

    @property
    def places_left(self) -> int:
        return max(self.shift.capacity - self.confirmed, 0)


def _counts(shift_ids: list[int]) -> dict[tuple[int, str], int]:
    if not shift_ids:
        return {}
    rows = db.session.execute(
        select(Signup.shift_id, Signup.status, func.count())
        .where(Signup.shift_id.in_(shift_ids))
        .group_by(Signup.shift_id, Signup.status)
    )
    return {(shift_id, status): count for shift_id, status, count in rows}


def shift_rows(shifts: list[Shift]) -> list[ShiftRow]:
    counts = _counts([s.id for s in shifts])
    return [
        ShiftRow(
            s,
            counts.get((s.id, SignupStatus.CONFIRMED), 0),
            counts.get((s.id, SignupStatus.WAITLISTED), 0),
        )
        for s in shifts
    ]


# -- staff -----------------------------------------------------------------------------------


def programmes_for(user: User) -> list[Programme]:
    query = select(Programme).order_by(Programme.name)
    visible = visible_programme_ids(user)
    if visible is not None:
        query = query.where(Programme.id.in_(visible))
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class ProgrammePage:
    programme: Programme
    coordinators: list[User]
    activities: list[Activity]
    can_run: bool


def programme_page(user: User, programme_id: int) -> ProgrammePage:
    programme = seen_programme(user, programme_id)
    coordinators = list(
        db.session.scalars(
            select(User)
            .join(ProgrammeCoordinator, ProgrammeCoordinator.user_id == User.id)
            .where(ProgrammeCoordinator.programme_id == programme_id)
            .order_by(User.display_name)
        )
    )
    activities = list(
        db.session.scalars(
            select(Activity).where(Activity.programme_id == programme_id).order_by(Activity.title)
        )
    )
    return ProgrammePage(programme, coordinators, activities, may_run(user, programme_id))


def coordinator_choices() -> list[tuple[int, str]]:
    return [
        (u.id, u.display_name)
        for u in db.session.scalars(
            select(User)
            .where(User.role == Role.COORDINATOR, User.active.is_(True))
            .order_by(User.display_name)
        )
    ]


def organisation_choices() -> list[tuple[int, str]]:
    return [
        (o.id, o.name) for o in db.session.scalars(select(Organisation).order_by(Organisation.name))
    ]


def activities_for(user: User) -> list[tuple[Activity, int]]:
    """Activities of the user's programmes, each with its number of upcoming shifts."""
    upcoming = (
        select(Shift.activity_id, func.count().label("n"))
        .where(Shift.starts_at > utcnow(), Shift.status == ShiftStatus.OPEN)
        .group_by(Shift.activity_id)
        .subquery()
    )
    query = (
        select(Activity, func.coalesce(upcoming.c.n, 0))
        .join(Programme, Programme.id == Activity.programme_id)
        .outerjoin(upcoming, upcoming.c.activity_id == Activity.id)
        .order_by(Programme.name, Activity.title)
    )
    visible = visible_programme_ids(user)
    if visible is not None:
        query = query.where(Activity.programme_id.in_(visible))
    return [(activity, int(n)) for activity, n in db.session.execute(query)]


@dataclass(frozen=True)
class ActivityPage:
    activity: Activity
    shifts: list[ShiftRow]
    can_run: bool


def activity_page(user: User, activity_id: int) -> ActivityPage:
    activity = seen_activity(user, activity_id)
    shifts = list(
        db.session.scalars(
            select(Shift).where(Shift.activity_id == activity_id).order_by(Shift.starts_at.desc())
        )
    )
    return ActivityPage(activity, shift_rows(shifts), may_run(user, activity.programme_id))


@dataclass(frozen=True)
class ShiftPage:
    row: ShiftRow
    signups: list[Signup]
    hours: dict[int, HoursEntry]
    can_run: bool


def shift_page(user: User, shift_id: int) -> ShiftPage:
    shift = seen_shift(user, shift_id)
    signups = list(
        db.session.scalars(
            select(Signup)
            .where(Signup.shift_id == shift_id)
            .order_by(Signup.status, Signup.signed_up_at, Signup.id)
        )
    )
    hours = {
        h.signup_id: h
        for h in db.session.scalars(select(HoursEntry).where(HoursEntry.shift_id == shift_id))
    }
    return ShiftPage(
        shift_rows([shift])[0], signups, hours, may_run(user, shift.activity.programme_id)
    )


# -- the volunteer's pages -------------------------------------------------------------------


def open_shifts(now: datetime | None = None, limit: int = 100) -> list[ShiftRow]:
    """Shifts volunteers may still see to sign up for: open, not started, soonest first."""
    now = now or utcnow()
    shifts = list(
        db.session.scalars(
            select(Shift)
            .join(Activity, Activity.id == Shift.activity_id)
            .join(Programme, Programme.id == Activity.programme_id)
            .where(
                Shift.status == ShiftStatus.OPEN, Shift.starts_at > now, Programme.active.is_(True)
            )
            .order_by(Shift.starts_at, Shift.id)
            .limit(limit)
        )
    )
    return shift_rows(shifts)


def shift_for_volunteers(public_id: str) -> ShiftRow | None:
    shift = db.session.scalar(select(Shift).where(Shift.public_id == public_id[:36]))
    return None if shift is None else shift_rows([shift])[0]


def signup_of(volunteer_id: int, shift_id: int) -> Signup | None:
    return db.session.scalar(
        select(Signup).where(Signup.shift_id == shift_id, Signup.volunteer_id == volunteer_id)
    )


def own_signups(volunteer_id: int, *, upcoming: bool, now: datetime | None = None) -> list[Signup]:
    now = now or utcnow()
    query = (
        select(Signup)
        .join(Shift, Shift.id == Signup.shift_id)
        .where(Signup.volunteer_id == volunteer_id)
    )
    if upcoming:
        query = query.where(Shift.ends_at > now).order_by(Shift.starts_at)
    else:
        query = query.where(Shift.ends_at <= now).order_by(Shift.starts_at.desc())
    return list(db.session.scalars(query.limit(100)))


def waitlist_position(signup: Signup) -> int:
    ahead = db.session.scalar(
        select(func.count())
        .select_from(Signup)
        .where(
            Signup.shift_id == signup.shift_id,
            Signup.status == SignupStatus.WAITLISTED,
            (Signup.signed_up_at < signup.signed_up_at)
            | ((Signup.signed_up_at == signup.signed_up_at) & (Signup.id < signup.id)),
        )
    )
    return int(ahead or 0) + 1


def volunteer_names(ids: list[int]) -> dict[int, str]:
    return dict(
        db.session.execute(
            select(Volunteer.id, Volunteer.display_name).where(Volunteer.id.in_(ids))
        )
        .tuples()
        .all()
    )


@dataclass(frozen=True)
class SignupPage:
    signup: Signup
    position: int | None  # on the waitlist
    entry: HoursEntry | None


def signup_page(volunteer_id: int, public_id: str) -> SignupPage:
    """The volunteer's own sign-up with its waitlist position and hours; another
    volunteer's answers NotFound."""
    signup = own_signup(volunteer_id, public_id)
    entry = db.session.scalar(select(HoursEntry).where(HoursEntry.signup_id == signup.id))
    position = waitlist_position(signup) if signup.status == SignupStatus.WAITLISTED else None
    return SignupPage(signup, position, entry)


@dataclass(frozen=True)
class VolunteerShiftPage:
    row: ShiftRow
    mine: Signup | None  # the volunteer's live sign-up, if any
    status: VettingStatus


def volunteer_shift_page(volunteer_id: int, public_id: str) -> VolunteerShiftPage:
    row = shift_for_volunteers(public_id)
    if row is None:
        raise NotFound("There is no such shift.")
    mine = signup_of(volunteer_id, row.shift.id)
    live = mine if mine is not None and mine.status != SignupStatus.CANCELLED else None
    return VolunteerShiftPage(row, live, status_of(volunteer_id))
