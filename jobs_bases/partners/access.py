"""The access period of partner and base-contact accounts.

Such an account's `access_until` (core) is the last day it may be used: the end of
the latest class of its partner, or of the latest placement at its base, known when it
was linked or last renewed. Login is refused after it and a running session ends at its
next request (portal/security.py). Renewing moves it to the current end of the
schedule, or to a date an admin chooses. Each domain that schedules things for a
partner or a base says how far its schedule reaches through `register_horizon`
(bases: placements; training: courses).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.sessions import StaffSession, end_ended_access
from core.tasks.services import Assignee, create_task
from core.timeutil import local_today
from core.users import PARTNER_ROLES, Role, User
from jobs_bases.partners.models import StaffLink

# The longest an admin may renew an account for in one go.
MAX_RENEWAL_DAYS = 366

Horizon = Callable[[StaffLink, date], "date | None"]
_HORIZONS: list[Horizon] = []


def register_horizon(horizon: Horizon) -> None:
    """A domain's answer to "until when does this partner or base have something on?"
    (the last day of its current or future classes or placements, or None)."""
    if horizon not in _HORIZONS:
        _HORIZONS.append(horizon)


def schedule_end(link: StaffLink, today: date) -> date | None:
    ends = [end for horizon in _HORIZONS if (end := horizon(link, today)) is not None]
    return max(ends) if ends else None


def initial_access_until(link: StaffLink) -> date:
    """A newly linked account: until the end of the schedule, or a grace period when
    nothing is scheduled yet."""
    today = local_today()
    end = schedule_end(link, today)
    grace = today + timedelta(days=int(current_app.config["ACCESS_GRACE_DAYS"]))
    return end if end is not None and end >= today else grace


def renew_access(
    actor: User, user_id: int, until: date | None = None, *, ip: str | None = None
) -> User:
    """Renew a partner or base-contact account: to `until` if given, else to the end of
    its partner's classes or its base's placements. Admins; one transaction."""
    if not actor.has_role(Role.ADMIN):
        raise PermissionDenied("Only administrators renew partner accounts.")
    user = db.session.get(User, user_id)
    if user is None or user.role_enum not in PARTNER_ROLES:
        raise NotFound("No such user.")
    today = local_today()
    if until is None:
        link = db.session.scalar(select(StaffLink).where(StaffLink.user_id == user.id))
        end = None if link is None else schedule_end(link, today)
        if end is None or end < today:
            raise ValidationFailed(
                "Nothing is scheduled for this account's partner or base: choose a date.",
                field="until",
            )
        until = end
    if until < today:
        raise ValidationFailed("The date cannot be in the past.", field="until")
    if until > today + timedelta(days=MAX_RENEWAL_DAYS):
        raise ValidationFailed("Renew for at most a year at a time.", field="until")
    before = user.access_until
    user.access_until = until
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.USER_ACCESS_RENEW,
        "staff_user",
        user.id,
        before=str(before),
        until=str(until),
    )
    db.session.commit()
    return user


def expire_and_remind(today: date | None = None) -> int:
    """The periodic job: end the sessions of accounts whose access is over, and give
    admins a task to renew (or let lapse) accounts whose access ends soon. Returns how
    many sessions were ended."""
    today = today or local_today()
    ended = list(
        db.session.scalars(
            select(User)
            .where(
                User.access_until.is_not(None),
                User.access_until < today,
                User.id.in_(select(StaffSession.user_id)),
            )
            .order_by(User.id)
        )
    )
    for user in ended:
        end_ended_access(user, None)
    soon = today + timedelta(days=int(current_app.config["ACCESS_REMIND_DAYS"]))
    for user in db.session.scalars(
        select(User)
        .where(
            User.active.is_(True),
            User.role.in_([str(role) for role in PARTNER_ROLES]),
            User.access_until.is_not(None),
            User.access_until >= today,
            User.access_until <= soon,
        )
        .order_by(User.id)
    ):
        create_task(
            kind="partner_access",
            dedupe_key=f"partner-access:{user.id}:{user.access_until}",
            title="Access of %(user)s ends on %(date)s: renew it or let it lapse",
            title_params={"user": user.username, "date": str(user.access_until)},
            link=f"/admin/users/{user.id}",
            assignee=Assignee.to_role(Role.ADMIN),
            due_on=user.access_until,
        )
    db.session.commit()
    return len(ended)
