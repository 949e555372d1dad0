"""The journal export for finance and audit: every line of every entry, audited."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db
from core.errors import NotFound
from core.export import Cell, Export, ExportFormat, write_table
from core.timeutil import to_local
from core.users import Role, User
from donations.ledger.models import Account, JournalEntry, JournalLine

EXPORTERS = (Role.AUDITOR, Role.ADMIN, Role.FINANCE)
HEADERS = (
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
)


def journal_rows() -> Iterator[list[Cell]]:
    """One row per journal line, in posting order, streamed from the database."""
    query = (
        select(JournalEntry, JournalLine, Account)
        .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .join(Account, Account.id == JournalLine.account_id)
        .order_by(JournalEntry.id, JournalLine.id)
    )
    for entry, line, account in db.session.execute(query.execution_options(yield_per=1000)):
        yield [
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


def export_journal(actor: User, fmt: ExportFormat, *, ip: str | None = None) -> Export:
    """The whole journal as a file, and its audit entry; one transaction."""
    if not actor.has_role(*EXPORTERS):
        raise NotFound("There is no such page or record.")
    export = write_table("journal", HEADERS, journal_rows(), fmt)
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.FINANCE_JOURNAL_EXPORT,
        "journal",
        None,
        format=str(fmt),
    )
    db.session.commit()
    return export
