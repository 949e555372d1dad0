"""Ledger read models: the trial balance at a date (the journal export is in exports.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

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
