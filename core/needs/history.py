"""A need's history, as staff follow it on the need's page: written, edited (by whom),
submitted, reviewed (with the reviewer's note), published, listed, funded, paid out and
closed; and, from the wings that hold its money, the gifts, allocations and payouts.

The steps come from the audit log (every step of a need is recorded there, with who and
when, and the log is never edited), the money from the wings' own records through the
registry (`core.wings.WingRegistry.need_history`): core reads no wing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from core.audit import AuditEvent
from core.audit_actions import AuditAction, action_label
from core.audit_words import describe, who_label
from core.db import db
from core.needs.models import Need
from core.users import User

# The steps of a need; views of it are in the audit log, not in its history.
STEPS = (
    AuditAction.NEED_CREATE,
    AuditAction.NEED_UPDATE,
    AuditAction.NEED_SUBMIT,
    AuditAction.NEED_APPROVE,
    AuditAction.NEED_RETURN,
    AuditAction.NEED_PUBLISH_REFUSED,
    AuditAction.NEED_PUBLISH,
    AuditAction.NEED_LIST,
    AuditAction.NEED_FUNDED,
    AuditAction.NEED_PUBLISHED,
    AuditAction.NEED_CANCEL,
    AuditAction.NEED_CANCELLED,
    AuditAction.NEED_EXPIRED,
    AuditAction.NEED_DISBURSED,
    AuditAction.NEED_CLOSED,
)
# Details a step shows (the listing's project id says nothing to a reader).
SHOWN_DETAILS = ("note", "reason", "reasons")
REVIEWS = (AuditAction.NEED_APPROVE.value, AuditAction.NEED_RETURN.value)


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    what: str  # what happened, in words
    who: str  # a display name, or the part of the platform that acted
    detail: str = ""  # the reviewer's note, the amounts, where the money came from
    kind: str = ""  # the audit action, or the wing's kind of line (gift, allocation...)


NeedHistory = Callable[[int], list[HistoryEntry]]


def _detail(event: AuditEvent) -> str:
    shown = {key: value for key, value in event.detail.items() if key in SHOWN_DETAILS}
    if event.action in REVIEWS and "note" in shown:
        # A review's note is the reviewer's opinion, and reads as such.
        shown = {"review_note": shown.pop("note"), **shown}
    return describe(shown)


def need_history(need: Need, more: Sequence[NeedHistory] = ()) -> list[HistoryEntry]:
    """Every step of a need the caller may see (loaded through the scoped services), oldest
    first: one query for its steps, and each wing's fixed number for its money."""
    rows = db.session.execute(
        select(AuditEvent, User.display_name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(
            AuditEvent.object_type == "need",
            AuditEvent.object_id == str(need.id),
            AuditEvent.action.in_([step.value for step in STEPS]),
        )
        .order_by(AuditEvent.id)
    ).all()
    entries = [
        HistoryEntry(
            at=event.occurred_at,
            what=action_label(event.action),
            who=who_label(event.actor_label, event.actor_id, name),
            detail=_detail(event),
            kind=event.action,
        )
        for event, name in rows
    ]
    for provider in more:
        entries += provider(need.id)
    # Stable: a step and the money it moved, recorded in one transaction, keep their order.
    return sorted(entries, key=lambda entry: entry.at)
