"""Finance read models: donation lists, trial balance, journal export."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from core.db import db
from core.timeutil import to_local
from donations.ledger.models import Account, JournalEntry, JournalLine
from donations.models import Donation, ReconcileRun


@dataclass
class DonationFilter:
    status: str | None = None
    project_id: str | None = None
    q: str = ""
    page: int = 1
    per_page: int = 50


def list_donations(filters: DonationFilter) -> tuple[list[Donation], int]:
    query = select(Donation)
    if filters.status:
        query = query.where(Donation.status == filters.status)
    if filters.project_id:
        query = query.where(Donation.project_id == filters.project_id)
    if filters.q:
        query = query.where(
            (Donation.id == filters.q)
            | (Donation.payment_intent_id == filters.q)
            | (Donation.certificate_no == filters.q)
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = list(
        db.session.scalars(
            query.options(joinedload(Donation.project), joinedload(Donation.listing))
            .order_by(Donation.created_at.desc())
            .limit(filters.per_page)
            .offset((max(1, filters.page) - 1) * filters.per_page)
        )
    )
    return items, total


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


def last_runs(limit: int = 10) -> list[ReconcileRun]:
    return list(
        db.session.scalars(select(ReconcileRun).order_by(ReconcileRun.id.desc()).limit(limit))
    )
