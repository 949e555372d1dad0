"""The database itself keeps the journal honest (migration 0002_payments): ledger rows are
never updated or deleted, and on PostgreSQL an unbalanced entry cannot be committed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from core.db import db
from core.timeutil import local_today
from donations.ledger.models import Account, AccountKind, EntryKind, JournalEntry, JournalLine
from donations.ledger.services import Leg, clearing_account, disbursed_account, post
from tests.donations.factories import unique

IMMUTABLE = "never updated or deleted"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE journal_line SET amount_fen = amount_fen * 2 WHERE entry_id = :entry",
        "DELETE FROM journal_line WHERE entry_id = :entry",
        "UPDATE journal_entry SET memo = 'rewritten' WHERE id = :entry",
        "DELETE FROM journal_entry WHERE id = :entry",
    ],
)
def test_ledger_rows_cannot_be_updated_or_deleted(ctx, statement):
    entry = post(
        EntryKind.REVERSAL,
        unique("probe:"),
        [Leg(clearing_account(), 1_500), Leg(disbursed_account(), -1_500)],
    )
    entry_id = entry.id
    db.session.commit()

    with pytest.raises(DBAPIError, match=IMMUTABLE):
        db.session.execute(text(statement), {"entry": entry_id})
    db.session.rollback()

    amounts = db.session.scalars(
        select(JournalLine.amount_fen).where(JournalLine.entry_id == entry_id)
    ).all()
    assert sorted(amounts) == [-1_500, 1_500]
    assert db.session.get_one(JournalEntry, entry_id).memo == ""


def _probe_accounts() -> tuple[Account, Account]:
    accounts = tuple(
        Account(code=unique("probe:"), kind=AccountKind.DISBURSED, name="probe") for _ in range(2)
    )
    db.session.add_all(accounts)
    db.session.flush()
    return accounts  # type: ignore[return-value]


def _entry(lines: list[tuple[Account, int]]) -> str:
    """Write an entry straight to the tables, past post()'s own balance check."""
    key = unique("probe:")
    entry = JournalEntry(
        kind=EntryKind.REVERSAL, source_key=key, memo="probe", business_date=local_today()
    )
    entry.lines = [JournalLine(account_id=account.id, amount_fen=fen) for account, fen in lines]
    db.session.add(entry)
    db.session.flush()
    return key


def _entries_with(key: str) -> int:
    count: int = (
        db.session.scalar(
            select(func.count()).select_from(JournalEntry).where(JournalEntry.source_key == key)
        )
        or 0
    )
    db.session.rollback()
    return count


@pytest.mark.postgres_only
def test_an_unbalanced_entry_cannot_be_committed_on_postgres(live):
    debit, credit = _probe_accounts()
    balanced = _entry([(debit, 700), (credit, -700)])
    db.session.commit()
    debit, credit = _probe_accounts()
    lopsided = _entry([(debit, 700), (credit, -699)])

    with pytest.raises(DBAPIError, match="does not balance"):
        db.session.commit()
    db.session.rollback()
    debit, _ = _probe_accounts()
    lonely = _entry([(debit, 700)])
    with pytest.raises(DBAPIError, match="does not balance"):
        db.session.commit()
    db.session.rollback()

    assert _entries_with(balanced) == 1
    assert _entries_with(lopsided) == 0
    assert _entries_with(lonely) == 0
