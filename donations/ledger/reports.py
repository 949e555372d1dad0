"""Ledger read models: the trial balance at a date, the journal as CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from core.db import db
from core.timeutil import to_local
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


def journal_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "entry_id",
            "posted_at",
            "business_date",
            "kind",
            "source_key",
            "donation_id",
            "reverses",
            "account",
            "debit_fen",
            "credit_fen",
            "memo",
        ]
    )
    query = (
        select(JournalEntry, JournalLine, Account)
        .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .join(Account, Account.id == JournalLine.account_id)
        .order_by(JournalEntry.id, JournalLine.id)
    )
    for entry, line, account in db.session.execute(query.execution_options(yield_per=1000)):
        writer.writerow(
            [
                entry.id,
                to_local(entry.posted_at).isoformat(),
                entry.business_date.isoformat(),
                entry.kind,
                entry.source_key,
                entry.donation_id or "",
                entry.reverses_id or "",
                account.code,
                max(line.amount_fen, 0),
                max(-line.amount_fen, 0),
                entry.memo,
            ]
        )
    return out.getvalue()
