"""How a pair ends, whoever ends it: the one place that closes a pair, spends its
consent, closes its tasks and writes the audit entry. Callers own the transaction.

Also the officers' tasks of mentoring (core.tasks): their keys and links.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.tasks.services import Assignee, close_tasks_for, create_task
from core.timeutil import local_today
from core.users import Role
from volunteers.mentoring.models import (
    OPEN_STATUSES,
    ConsentStatus,
    EndReason,
    MentoringConsent,
    MentoringProfile,
    MentorPair,
    PairStatus,
)

# What a task about a pair or a meeting is called, so that it can be closed again.
CONFIRM_TASK = "mentoring_confirm"
TRANSFER_TASK = "mentoring_transfer"
CONCERN_TASK = "mentoring_concern"
TASK_DUE_DAYS = 3


def pair_path(pair_id: int) -> str:
    return f"/volunteers/mentoring/pairs/{pair_id}"


def concern_key(meeting_id: int) -> str:
    return f"{CONCERN_TASK}:{meeting_id}"


def confirm_key(pair_id: int) -> str:
    return f"{CONFIRM_TASK}:{pair_id}"


def transfer_key(pair_id: int) -> str:
    return f"{TRANSFER_TASK}:{pair_id}"


def alias_of(person_id: int) -> str:
    alias = db.session.scalar(
        select(MentoringProfile.alias).where(MentoringProfile.person_id == person_id)
    )
    return alias or ""


def task_for_officers(
    *, kind: str, key: str, title: str, office_id: int, link: str, alias: str
) -> None:
    """A task for the officers of the person's office. Its title names the alias only:
    an inbox is no place for a name."""
    create_task(
        kind=kind,
        dedupe_key=key,
        title=title,
        title_params={"alias": alias},
        link=link,
        assignee=Assignee.to_role(Role.OFFICER, office_id),
        due_on=local_today() + timedelta(days=TASK_DUE_DAYS),
    )


def ask_officer_to_confirm(pair: MentorPair, office_id: int) -> None:
    task_for_officers(
        kind=CONFIRM_TASK,
        key=confirm_key(pair.id),
        title="Confirm the mentoring pair of %(alias)s (a minor)",
        office_id=office_id,
        link=pair_path(pair.id),
        alias=alias_of(pair.person_id),
    )


def close_pair_tasks(pair_id: int) -> None:
    close_tasks_for(confirm_key(pair_id))
    close_tasks_for(transfer_key(pair_id))


def end_pair(
    pair: MentorPair,
    reason: EndReason,
    actor: Actor,
    *,
    note: str = "",
) -> None:
    """Close an open pair at once (the volunteer's access ends with this transaction),
    spend its consent, close its tasks, audit. A pair not open is left alone."""
    if pair.status not in OPEN_STATUSES:
        return
    was = pair.status
    pair.status = PairStatus.ENDED
    pair.ended_at = utcnow()
    pair.ended_by_id = actor.user_id
    pair.end_reason = reason
    pair.end_note = note
    if pair.consent_id is not None:
        consent = db.session.get(MentoringConsent, pair.consent_id)
        if consent is not None and consent.status == ConsentStatus.GIVEN:
            consent.status = ConsentStatus.SPENT
            consent.closed_at = pair.ended_at
    close_pair_tasks(pair.id)
    audit.record(
        actor,
        AuditAction.MENTORING_PAIR_END,
        "mentor_pair",
        pair.id,
        reason=str(reason),
        was=str(was),
        person_id=pair.person_id,
        volunteer_id=pair.volunteer_id,
    )


def open_pairs_of_person(person_id: int) -> list[MentorPair]:
    return list(
        db.session.scalars(
            select(MentorPair)
            .where(MentorPair.person_id == person_id, MentorPair.status.in_(OPEN_STATUSES))
            .order_by(MentorPair.id)
            .with_for_update()
        )
    )


def open_pairs_of_volunteer(volunteer_id: int) -> list[MentorPair]:
    return list(
        db.session.scalars(
            select(MentorPair)
            .where(MentorPair.volunteer_id == volunteer_id, MentorPair.status.in_(OPEN_STATUSES))
            .order_by(MentorPair.id)
            .with_for_update()
        )
    )
