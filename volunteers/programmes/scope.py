"""Who may see and run which programme.

Admins run every programme and auditors read every one; a coordinator sees and runs
the programmes they coordinate, nothing else (anything else answers 404, like a
record that does not exist). Volunteers are county-wide, so there is no office scope.
"""

from __future__ import annotations

from sqlalchemy import Select, false, select

from core.db import db
from core.errors import NotFound, PermissionDenied
from core.users import Role, User
from volunteers.programmes.models import Activity, Programme, ProgrammeCoordinator, Shift

STAFF = frozenset({Role.ADMIN, Role.AUDITOR, Role.COORDINATOR})
CREATORS = frozenset({Role.ADMIN, Role.COORDINATOR})


def visible_programme_ids(user: User) -> Select[tuple[int]] | None:
    """The programmes the user sees, as a subquery; None means all of them."""
    if user.has_role(Role.ADMIN, Role.AUDITOR):
        return None
    if not user.has_role(Role.COORDINATOR):
        return select(ProgrammeCoordinator.programme_id).where(false())
    return select(ProgrammeCoordinator.programme_id).where(ProgrammeCoordinator.user_id == user.id)


def coordinates(user: User, programme_id: int) -> bool:
    return (
        db.session.scalar(
            select(ProgrammeCoordinator.user_id).where(
                ProgrammeCoordinator.programme_id == programme_id,
                ProgrammeCoordinator.user_id == user.id,
            )
        )
        is not None
    )


def may_see(user: User, programme_id: int) -> bool:
    if user.has_role(Role.ADMIN, Role.AUDITOR):
        return True
    return user.has_role(Role.COORDINATOR) and coordinates(user, programme_id)


def may_run(user: User, programme_id: int) -> bool:
    if user.has_role(Role.ADMIN):
        return True
    return user.has_role(Role.COORDINATOR) and coordinates(user, programme_id)


def seen_programme(user: User, programme_id: int) -> Programme:
    programme = db.session.get(Programme, programme_id)
    if programme is None or not may_see(user, programme_id):
        raise NotFound("There is no such programme.")
    return programme


def run_programme(user: User, programme_id: int) -> Programme:
    """The programme, if the user runs it; NotFound if they cannot see it, and
    PermissionDenied if they only read it (an auditor)."""
    programme = seen_programme(user, programme_id)
    if not may_run(user, programme_id):
        raise PermissionDenied("Only the programme's coordinators may change it.")
    return programme


def seen_activity(user: User, activity_id: int) -> Activity:
    activity = db.session.get(Activity, activity_id)
    if activity is None or not may_see(user, activity.programme_id):
        raise NotFound("There is no such activity.")
    return activity


def run_activity(user: User, activity_id: int) -> Activity:
    activity = seen_activity(user, activity_id)
    run_programme(user, activity.programme_id)
    return activity


def seen_shift(user: User, shift_id: int) -> Shift:
    shift = db.session.get(Shift, shift_id)
    if shift is None or not may_see(user, shift.activity.programme_id):
        raise NotFound("There is no such shift.")
    return shift
