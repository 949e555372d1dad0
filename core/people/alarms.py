"""Mass reveals raise an alarm (docs/privacy.md: every reveal is audited; a user who reveals
far more identities than their colleagues in a day is looked at by an admin).

A user's reveals of the Shanghai day are compared with a floor (`REVEAL_ALARM_THRESHOLD`,
20 by default) and with their colleagues' usual day: the median of the other users'
reveal counts that day, times `REVEAL_ALARM_FACTOR` (3). Crossing both marks the audit
log (`person.mass_reveal`) and opens one task for admins, once per user and day.
"""

from __future__ import annotations

import statistics
from datetime import datetime, time

from flask import current_app
from sqlalchemy import func, select

from core import audit
from core.audit import Actor, AuditEvent
from core.audit_actions import AuditAction
from core.db import db
from core.tasks.models import Task
from core.tasks.services import Assignee, create_task
from core.timeutil import SHANGHAI, local_today
from core.users import Role, User

REVEAL = "person.reveal"


def _start_of_local_day() -> datetime:
    return datetime.combine(local_today(), time(), tzinfo=SHANGHAI)


def check_mass_reveal(actor: User, ip: str | None) -> None:
    """Called after a reveal is recorded, in the same transaction."""
    counts: dict[int | None, int] = {
        actor_id: int(count)
        for actor_id, count in db.session.execute(
            select(AuditEvent.actor_id, func.count())
            .where(AuditEvent.action == REVEAL, AuditEvent.occurred_at >= _start_of_local_day())
            .group_by(AuditEvent.actor_id)
        ).all()
    }
    mine = int(counts.pop(actor.id, 0))
    config = current_app.config
    floor = int(config.get("REVEAL_ALARM_THRESHOLD", 20))
    factor = float(config.get("REVEAL_ALARM_FACTOR", 3))
    usual = statistics.median(counts.values()) if counts else 0
    if mine < floor or mine < factor * usual:
        return
    key = f"mass-reveal:{actor.id}:{local_today().isoformat()}"
    if db.session.scalar(select(Task.id).where(Task.dedupe_key == key)) is not None:
        return  # raised already today
    create_task(
        kind="mass_reveal",
        dedupe_key=key,
        title="%(user)s revealed %(count)s identities today, far more than colleagues.",
        title_params={"user": actor.username, "count": mine},
        link=f"/audit?actor={actor.username}&action={REVEAL}",
        assignee=Assignee.to_role(Role.ADMIN),
    )
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.PERSON_MASS_REVEAL,
        "staff_user",
        actor.id,
        count=mine,
        colleagues_median=usual,
    )
