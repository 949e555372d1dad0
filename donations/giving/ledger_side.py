"""The ledger's side of reconciliation: every payment and refund the ledger booked has its
object at the provider, succeeded and for the same amount.

A booking is confirmed by the provider's own events read in the same run; one the
list does not confirm (booked late, or never made at the provider: an event
signed with a leaked secret) is looked up by id. What the provider does not know,
or knows otherwise, becomes a discrepancy: found once, shown until finance
settles it, and never silently kept.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import select

from core.db import db
from donations.giving.discrepancies import record_discrepancy
from donations.giving.models import Discrepancy, DiscrepancyKind, Donation
from donations.ledger.models import Account, EntryKind, JournalEntry, JournalLine
from donations.ledger.services import CLEARING
from donations.payments.gateway import PaymentGateway, ProviderRejected

PAYMENT_KINDS = (DiscrepancyKind.PAYMENT_NOT_AT_PROVIDER, DiscrepancyKind.PAYMENT_DIFFERS)
REFUND_KINDS = (DiscrepancyKind.REFUND_NOT_AT_PROVIDER, DiscrepancyKind.REFUND_DIFFERS)
REFUND_PREFIX = "refund:"


def _booked(kind: EntryKind, since: datetime) -> list[tuple[str, str | None, int]]:
    """(source key, donation id, fen into provider clearing) of the entries since."""
    rows = db.session.execute(
        select(JournalEntry.source_key, JournalEntry.donation_id, JournalLine.amount_fen)
        .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .join(Account, Account.id == JournalLine.account_id)
        .where(JournalEntry.kind == kind, Account.code == CLEARING, JournalEntry.posted_at >= since)
        .order_by(JournalEntry.id)
    ).all()
    return [(key, donation_id, int(amount)) for key, donation_id, amount in rows]


def _confirmed_by(events: list[dict[str, Any]]) -> tuple[dict[str, int], dict[str, int]]:
    """What the provider's events say succeeded: payment intents and refunds, with amounts."""
    paid: dict[str, int] = {}
    refunded: dict[str, int] = {}
    for event in events:
        obj = (event.get("data") or {}).get("object") or {}
        if event.get("type") == "payment_intent.succeeded":
            paid[str(obj.get("id"))] = int(obj.get("amount_received") or obj.get("amount") or 0)
        elif str(event.get("type")).startswith("refund.") and obj.get("status") == "succeeded":
            refunded[str(obj.get("id"))] = int(obj.get("amount") or 0)
    return paid, refunded


def _known(kinds: tuple[DiscrepancyKind, ...]) -> set[str]:
    return set(db.session.scalars(select(Discrepancy.object_id).where(Discrepancy.kind.in_(kinds))))


def confirm_ledger_at_provider(
    gateway: PaymentGateway, since_ts: int, events: list[dict[str, Any]]
) -> int:
    """Check what the ledger booked since `since_ts` against the provider; returns how many
    discrepancies were found now. Raises PaymentError if the provider cannot be asked."""
    since = datetime.fromtimestamp(since_ts, UTC)
    paid, refunded = _confirmed_by(events)
    found = 0
    payments = _booked(EntryKind.DONATION_RECEIVED, since)
    intents = dict(
        db.session.execute(
            select(Donation.id, Donation.payment_intent_id).where(
                Donation.id.in_([donation_id for _, donation_id, _ in payments if donation_id])
            )
        )
        .tuples()
        .all()
    )
    known = _known(PAYMENT_KINDS)
    for _, donation_id, amount in payments:
        intent_id = intents.get(donation_id or "")
        if not intent_id or paid.get(intent_id) == amount or intent_id in known:
            continue
        found += _check(
            gateway.retrieve_payment_intent,
            intent_id,
            donation_id,
            amount,
            DiscrepancyKind.PAYMENT_NOT_AT_PROVIDER,
            DiscrepancyKind.PAYMENT_DIFFERS,
        )
    known = _known(REFUND_KINDS)
    for key, donation_id, clearing in _booked(EntryKind.REFUND, since):
        refund_id, amount = key.removeprefix(REFUND_PREFIX), -clearing
        if refunded.get(refund_id) == amount or refund_id in known:
            continue
        found += _check(
            gateway.retrieve_refund,
            refund_id,
            donation_id,
            amount,
            DiscrepancyKind.REFUND_NOT_AT_PROVIDER,
            DiscrepancyKind.REFUND_DIFFERS,
        )
    return found


class _ProviderObject(Protocol):
    @property
    def status(self) -> str: ...

    @property
    def amount(self) -> int: ...


def _check(
    retrieve: Callable[[str], _ProviderObject],
    object_id: str,
    donation_id: str | None,
    amount: int,
    missing: DiscrepancyKind,
    differs: DiscrepancyKind,
) -> int:
    """1 and a discrepancy when the provider does not know the object or knows it
    otherwise (another amount, not succeeded); 0 when it agrees with the ledger."""
    try:
        found = retrieve(object_id)
    except ProviderRejected as error:
        if error.status != 404:
            raise
        record_discrepancy(missing, object_id, amount, donation_id=donation_id)
        return 1
    if found.status == "succeeded" and found.amount == amount:
        return 0
    record_discrepancy(
        differs,
        object_id,
        amount,
        donation_id=donation_id,
        provider_fen=found.amount,
        provider_status=found.status,
    )
    return 1
