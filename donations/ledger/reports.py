"""Ledger read models: the trial balance at a date, and what funds held just before given
entries (the journal export is in exports.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from core.db import db
from donations.ledger.models import Account, JournalEntry, JournalLine


@dataclass
class TrialBalanceRow:
    code: str
    name: str
    kind: str
    debit_fen: int
    credit_fen: int


def trial_balance(as_of: date) -> list[TrialBalanceRow]:
    """Balances of every account from entries of business dates up to `as_of`."""
    rows = db.session.execute(
        select(Account.code, Account.name, Account.kind, func.sum(JournalLine.amount_fen))
        .join(JournalLine, JournalLine.account_id == Account.id)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalEntry.business_date <= as_of)
        .group_by(Account.code, Account.name, Account.kind)
        .order_by(Account.code)
    ).all()
    return [
        TrialBalanceRow(code, name, kind, max(int(total), 0), max(-int(total), 0))
        for code, name, kind, total in rows
    ]


def fund_balances_before(source_keys: list[str], account_kind: str) -> dict[str, int]:
    """For each entry (by its source key): what its fund account of `account_kind` (the pool
    of an allocation line, the need of a payout) held just before it, credit-positive.

    One query, whatever the number of entries: the sum of the account's earlier lines."""
    if not source_keys:
        return {}
    earlier = aliased(JournalLine)
    held = (
        select(func.coalesce(func.sum(earlier.amount_fen), 0))
        .where(earlier.account_id == JournalLine.account_id, earlier.entry_id < JournalEntry.id)
        .correlate(JournalLine, JournalEntry)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(JournalEntry.source_key, held)
        .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .join(Account, Account.id == JournalLine.account_id)
        .where(JournalEntry.source_key.in_(source_keys), Account.kind == account_kind)
    ).all()
    return {key: -int(total) for key, total in rows}
