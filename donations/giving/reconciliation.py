"""Reconciliation, both ways: read the provider's event list, apply what is missing,
compare per day; then check that what the ledger booked is known to the provider.

The provider's list is the authority on what happened. A run reads every event
created since its last cursor (less an overlap, since events created in the same
second may be listed late) and within the report window, applies each one
(duplicates are harmless), then compares per Shanghai day the provider's
succeeded payments and refunds with the ledger, listing every difference. The
other side (`ledger_side`) finds payments and refunds in the ledger that the
provider does not confirm; they stay open discrepancies until finance settles
them, and a run reports every open one.
"""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.errors import PermissionDenied
from core.tasks.services import Assignee, close_tasks_for, create_task
from core.timeutil import SHANGHAI
from core.users import Role, User
from donations.errors import UpstreamUnavailable
from donations.giving.discrepancies import open_discrepancies, open_discrepancy_tasks
from donations.giving.events import Outcome, apply_event
from donations.giving.ledger_side import confirm_ledger_at_provider
from donations.giving.models import Donation, ReconcileRun, Refund, RefundStatus
from donations.ledger.models import EntryKind, JournalEntry, JournalLine
from donations.ledger.services import CLEARING
from donations.payments.gateway import PaymentError, PaymentGateway

OVERLAP_S = 600
# The per-day comparison covers today and yesterday (Shanghai): a run then reads at
# most two days of events, which stays bounded on a province's charity days.
REPORT_DAYS = 2


def report_start(now: float) -> int:
    """Midnight in Shanghai at the start of the report window."""
    today = datetime.fromtimestamp(now, UTC).astimezone(SHANGHAI).date()
    first = today.toordinal() - (REPORT_DAYS - 1)
    start = datetime.fromordinal(first).replace(tzinfo=SHANGHAI)
    return int(start.timestamp())


def _day(created: int) -> str:
    return datetime.fromtimestamp(created, UTC).astimezone(SHANGHAI).date().isoformat()


def fetch_events(gateway: PaymentGateway, created_gte: int) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    starting_after: str | None = None
    while True:
        page = gateway.list_events(created_gte=created_gte, starting_after=starting_after)
        events.extend(page.events)
        if not page.has_more or not page.events:
            break
        starting_after = str(page.events[-1]["id"])
    # The list is newest first; apply oldest first, as things happened.
    events.sort(key=lambda e: (int(e.get("created") or 0), str(e.get("id"))))
    return events


def last_cursor() -> int:
    value = db.session.scalar(
        select(func.max(ReconcileRun.cursor_created)).where(ReconcileRun.ok.is_(True))
    )
    db.session.rollback()
    return int(value or 0)


def reconcile(gateway: PaymentGateway, now: float | None = None) -> ReconcileRun:
    """Apply every provider event we missed and store a per-day comparison."""
    now = time.time() if now is None else now
    cursor = last_cursor()
    since = min(max(0, cursor - OVERLAP_S), report_start(now))
    run = ReconcileRun(started_at=utcnow())
    events = fetch_events(gateway, since)
    applied = 0
    outcomes: dict[str, int] = defaultdict(int)
    for event in events:
        outcome = apply_event(event, via="reconcile")
        outcomes[outcome] += 1
        if outcome == Outcome.APPLIED:
            applied += 1
    report = compare(events)
    report["outcomes"] = dict(outcomes)
    confirm_ledger_at_provider(gateway, since, events)
    report["open_discrepancies"] = [
        {"id": d.id, "kind": d.kind, "object": d.object_id, "ledger_fen": d.amount_fen}
        for d in open_discrepancies()
    ]
    run.events_seen = len(events)
    run.applied = applied
    run.cursor_created = max([cursor, *(int(e.get("created") or 0) for e in events)])
    run.finished_at = utcnow()
    # `ok` lets the next run's cursor move on: every provider event is in the ledger.
    # Open discrepancies are kept apart, in their own table, until finance settles them.
    run.ok = not report["differences"]
    run.report = report
    db.session.add(run)
    db.session.commit()
    return run


DIFFERENCES_TASK = "reconcile-differences"


def scheduled_reconciliation(gateway: PaymentGateway) -> ReconcileRun:
    """The periodic job: a run, then the work it found goes to finance's inbox.

    The job succeeds once the run is stored; only a provider that does not answer makes
    it fail (and be retried). Each open discrepancy becomes a task, and per-day
    differences one task, closed by the first run that finds none."""
    run = reconcile(gateway)
    open_discrepancy_tasks()
    if run.ok:
        close_tasks_for(DIFFERENCES_TASK)
    else:
        create_task(
            kind="reconcile_differences",
            dedupe_key=DIFFERENCES_TASK,
            title="Reconciliation: the ledger and the provider differ; see the latest run.",
            link="/finance/reconciliation",
            assignee=Assignee.to_role(Role.FINANCE),
        )
    db.session.commit()
    return run


def run_reconciliation(actor: User, gateway: PaymentGateway, ip: str | None = None) -> ReconcileRun:
    """A reconciliation asked for by finance or an admin, on the record.

    UpstreamUnavailable when the provider does not answer (nothing is kept of the run).
    """
    if not actor.has_role(Role.FINANCE, Role.ADMIN):
        raise PermissionDenied("Only finance staff and admins run reconciliation.")
    try:
        run = reconcile(gateway)
    except PaymentError as error:
        db.session.rollback()
        raise UpstreamUnavailable("The payment provider is not answering; try again.") from error
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.FINANCE_RECONCILE,
        "reconcile_run",
        run.id,
        applied=run.applied,
        ok=run.ok,
    )
    db.session.commit()
    return run


def compare(events: list[dict[str, Any]]) -> dict[str, Any]:
    """Provider totals against ledger totals per day, and each difference."""
    provider: dict[str, int] = defaultdict(int)
    ledger: dict[str, int] = defaultdict(int)
    differences: list[dict[str, Any]] = []
    paid: dict[str, tuple[int, str]] = {}
    refunds: dict[str, tuple[int, str]] = {}
    for event in events:
        obj = (event.get("data") or {}).get("object") or {}
        day = _day(int(event.get("created") or 0))
        if event.get("type") == "payment_intent.succeeded":
            paid[str(obj.get("id"))] = (
                int(obj.get("amount_received") or obj.get("amount") or 0),
                day,
            )
        elif (
            event.get("type") in ("refund.created", "refund.updated")
            and obj.get("status") == RefundStatus.SUCCEEDED
        ):
            refunds[str(obj.get("id"))] = (-int(obj.get("amount") or 0), day)
    ours = (
        {
            d.payment_intent_id: d
            for d in db.session.scalars(
                select(Donation).where(Donation.payment_intent_id.in_(list(paid)))
            )
        }
        if paid
        else {}
    )
    posted_by_key = _posted_many(
        [f"pi:{intent_id}:succeeded" for intent_id in paid if intent_id in ours]
        + [f"refund:{refund_id}" for refund_id in refunds]
    )
    for intent_id, (amount, day) in paid.items():
        if ours.get(intent_id) is None:
            continue  # not ours: another integration on the same account
        received = posted_by_key.get(f"pi:{intent_id}:succeeded", 0)
        provider[day] += amount
        ledger[day] += received
        if received != amount:
            differences.append(
                {
                    "day": day,
                    "object": intent_id,
                    "provider_fen": amount,
                    "ledger_fen": received,
                    "kind": "payment",
                }
            )
    for refund_id, (amount, day) in refunds.items():
        # Both sides signed as provider clearing sees them: a refund takes money out.
        posted = posted_by_key.get(f"refund:{refund_id}", 0)
        if posted == 0 and not _refund_is_ours(refund_id):
            continue
        provider[day] += amount
        ledger[day] += posted
        if posted != amount:
            differences.append(
                {
                    "day": day,
                    "object": refund_id,
                    "provider_fen": amount,
                    "ledger_fen": posted,
                    "kind": "refund",
                }
            )
    days = sorted(set(provider) | set(ledger), reverse=True)
    return {
        "days": [
            {
                "day": d,
                "provider_fen": provider[d],
                "ledger_fen": ledger[d],
                "difference_fen": provider[d] - ledger[d],
            }
            for d in days
        ],
        "differences": differences,
    }


_KEYS_PER_QUERY = 500


def _posted_many(source_keys: list[str]) -> dict[str, int]:
    """What each entry put into provider clearing (debit-positive), a few hundred
    entries per query; a key with no entry is left out (nothing posted)."""
    posted: dict[str, int] = {}
    for start in range(0, len(source_keys), _KEYS_PER_QUERY):
        chunk = source_keys[start : start + _KEYS_PER_QUERY]
        rows = db.session.execute(
            select(JournalEntry.source_key, func.coalesce(func.sum(JournalLine.amount_fen), 0))
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(JournalEntry.source_key.in_(chunk))
            .where(JournalLine.account.has(code=CLEARING))
            .group_by(JournalEntry.source_key)
        )
        for key, total in rows:
            posted[str(key)] = int(total or 0)
    return posted


def _refund_is_ours(refund_id: str) -> bool:
    return (
        db.session.scalar(select(Refund.id).where(Refund.provider_refund_id == refund_id))
        is not None
    )


__all__ = ["EntryKind", "compare", "fetch_events", "reconcile"]
