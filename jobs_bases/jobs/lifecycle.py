"""What happens to referrals when a person's case moves on (same transaction)."""

from __future__ import annotations

from sqlalchemy import select, update

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db
from core.people.models import Person
from core.tasks.models import Task, TaskStatus
from core.tasks.services import close_tasks_for
from core.timeutil import local_today
from jobs_bases.jobs.models import FollowUp, Referral, ReferralStatus
from jobs_bases.jobs.referrals import FOLLOW_UP_MONTHS, follow_up_key


def on_person_ended(person: Person, **_: object) -> None:
    """Open referrals are withdrawn on the day the case ended; follow-ups of hires stop."""
    ended_on = person.ended_on or local_today()
    for referral in db.session.scalars(select(Referral).where(Referral.person_id == person.id)):
        for months in FOLLOW_UP_MONTHS:
            close_tasks_for(follow_up_key(referral.id, months))
        if referral.status != ReferralStatus.REFERRED:
            continue
        referral.status = ReferralStatus.WITHDRAWN
        referral.closed_on = max(ended_on, referral.referred_on)
        audit.record(
            Actor.system("case-ended"),
            AuditAction.REFERRAL_WITHDRAW,
            "referral",
            referral.id,
            office_id=referral.office_id,
            reason="case_ended",
        )


def on_person_transferred(person: Person, **_: object) -> None:
    """Referrals, and their open follow-up tasks, move to the person's new office."""
    ids = list(db.session.scalars(select(Referral.id).where(Referral.person_id == person.id)))
    if not ids:
        return
    db.session.execute(
        update(Referral).where(Referral.id.in_(ids)).values(office_id=person.office_id)
    )
    keys = [follow_up_key(rid, months) for rid in ids for months in FOLLOW_UP_MONTHS]
    db.session.execute(
        update(Task)
        .where(Task.dedupe_key.in_(keys), Task.status == TaskStatus.OPEN)
        .values(scope_unit_id=person.office_id)
    )


def on_person_anonymised(person: Person, **_: object) -> None:
    ids = select(Referral.id).where(Referral.person_id == person.id)
    db.session.execute(update(Referral).where(Referral.person_id == person.id).values(note=""))
    db.session.execute(update(FollowUp).where(FollowUp.referral_id.in_(ids)).values(note=""))
