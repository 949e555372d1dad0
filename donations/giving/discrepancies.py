"""Discrepancies: what reconciliation or a refund found that the books cannot settle by
themselves. Each stays open, on the reconciliation page and in `flask reconcile`'s exit
status, until a finance user records how it was settled.

Settling a refund shortfall is a journal entry: the shortfall moves to the charity's
general funds, which covered it. Settling a payment or refund the provider does not
confirm records what finance did about it (the note), by whom and when.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.errors import Conflict, NotFound, PermissionDenied
from core.tasks.services import Assignee, close_tasks_for, create_task
from core.users import Role, User
from donations.errors import InvalidField
from donations.giving.models import Discrepancy, DiscrepancyKind
from donations.ledger.models import EntryKind
from donations.ledger.services import Leg, general_funds_account, post, shortfall_account


def record_discrepancy(
    kind: DiscrepancyKind,
    object_id: str,
    amount_fen: int,
    *,
    donation_id: str | None = None,
    provider_fen: int | None = None,
    provider_status: str = "",
) -> Discrepancy:
    """Record what was found, once; the caller commits. A discrepancy found before, open or
    settled, is returned as it is: settled stays settled."""
    found = _find(kind, object_id)
    if found is not None:
        return found
    # Two runs (the job and the command) may find the same thing at the same moment.
    try:
        with db.session.begin_nested():
            found = Discrepancy(
                kind=kind,
                object_id=object_id,
                amount_fen=amount_fen,
                donation_id=donation_id,
                provider_fen=provider_fen,
                provider_status=provider_status,
                found_at=utcnow(),
            )
            db.session.add(found)
    except IntegrityError:
        found = _find(kind, object_id)
        assert found is not None
    return found


def _find(kind: DiscrepancyKind, object_id: str) -> Discrepancy | None:
    return db.session.scalar(
        select(Discrepancy).where(Discrepancy.kind == kind, Discrepancy.object_id == object_id)
    )


def settle_discrepancy(
    actor: User, discrepancy_id: int, note: str, *, ip: str | None = None
) -> Discrepancy:
    """Finance records how a discrepancy was settled; a shortfall is covered from the
    charity's general funds in the same transaction. Audited."""
    if not actor.has_role(Role.FINANCE):
        raise PermissionDenied("Only finance staff settle discrepancies.")
    note = note.strip()
    if not note:
        raise InvalidField("Say how it was settled.", field="note")
    found = db.session.get(Discrepancy, discrepancy_id, with_for_update=True)
    if found is None:
        raise NotFound("No such discrepancy.")
    if found.settled_at is not None:
        raise Conflict("This discrepancy has already been settled.")
    if found.kind == DiscrepancyKind.REFUND_SHORTFALL:
        entry = post(
            EntryKind.SHORTFALL_SETTLED,
            f"shortfall-settled:{found.id}",
            [
                Leg(general_funds_account(), found.amount_fen),
                Leg(shortfall_account(), -found.amount_fen),
            ],
            memo=f"discrepancy {found.id}",
            donation_id=found.donation_id,
            created_by_id=actor.id,
        )
        found.settlement_entry_id = entry.id
    found.settled_at = utcnow()
    found.settled_by_id = actor.id
    close_tasks_for(discrepancy_task_key(found.id), closed_by=actor)
    found.settlement_note = note
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.FINANCE_SETTLE_DISCREPANCY,
        "discrepancy",
        found.id,
        kind=found.kind,
        amount_fen=found.amount_fen,
    )
    db.session.commit()
    return found


def open_discrepancies() -> list[Discrepancy]:
    """Open discrepancies, each with its donation (the page names the gift), one query."""
    return list(
        db.session.scalars(
            select(Discrepancy)
            .options(joinedload(Discrepancy.donation))
            .where(Discrepancy.settled_at.is_(None))
            .order_by(Discrepancy.id)
        )
    )


def discrepancy_task_key(discrepancy_id: int) -> str:
    return f"discrepancy:{discrepancy_id}"


def open_discrepancy_tasks() -> int:
    """Give finance a task for each open discrepancy that has none (the caller commits);
    returns how many are open.

    The scheduled reconciliation calls it: an open discrepancy is work for a person,
    not a failure of the run, and settling it closes its task."""
    found_open = open_discrepancies()
    for found in found_open:
        create_task(
            kind="reconcile_discrepancy",
            dedupe_key=discrepancy_task_key(found.id),
            title="Reconciliation found a discrepancy (%(kind)s, %(object)s): settle it.",
            title_params={"kind": found.kind, "object": found.object_id},
            link="/finance/reconciliation",
            assignee=Assignee.to_role(Role.FINANCE),
        )
    return len(found_open)


def settled_discrepancies(limit: int = 20) -> list[Discrepancy]:
    return list(
        db.session.scalars(
            select(Discrepancy)
            .options(joinedload(Discrepancy.settled_by))
            .where(Discrepancy.settled_at.is_not(None))
            .order_by(Discrepancy.settled_at.desc(), Discrepancy.id.desc())
            .limit(limit)
        )
    )


def open_count(viewer: User) -> int:
    """For the dashboard: discrepancies waiting for finance (the same for every viewer)."""
    return (
        db.session.scalar(
            select(func.count()).select_from(Discrepancy).where(Discrepancy.settled_at.is_(None))
        )
        or 0
    )
