"""Accounts, journal entries and lines. Entries are never updated or deleted.

Sign convention: a line's `amount_fen` is positive for a debit and negative for
a credit; every entry's lines sum to zero. Fund accounts (pools, need
restricted) carry credit balances, so their balance is shown as the negated sum.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, Fen, utcnow


class AccountKind(enum.StrEnum):
    CLEARING = "clearing"  # money held at the payment provider (asset)
    POOL = "pool"  # a project's pool (fund)
    NEED = "need"  # money restricted to one need (fund)
    DISBURSED = "disbursed"  # paid out to payees (outflow)
    # Refunds the provider made of money no fund still held, until finance settles them.
    SHORTFALL = "refund_shortfall"
    GENERAL_FUNDS = "general_funds"  # what the charity's general funds covered (outflow)


class EntryKind(enum.StrEnum):
    DONATION_RECEIVED = "donation_received"
    REFUND = "refund"
    ALLOCATION = "allocation"
    DISBURSEMENT = "disbursement"
    REDIRECT = "redirect"  # need closed: restricted money follows the donor's choice
    REVERSAL = "reversal"
    SHORTFALL_SETTLED = "shortfall_settled"  # finance says where a refund shortfall was covered


class Account(Base):
    __tablename__ = "ledger_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(160))
    pool_id: Mapped[int | None] = mapped_column(ForeignKey("pool.id"), unique=True)
    listing_id: Mapped[str | None] = mapped_column(ForeignKey("need_listing.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class JournalEntry(Base):
    __tablename__ = "journal_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), index=True)
    # What caused it, unique: a second delivery of the same fact cannot post twice.
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    memo: Mapped[str] = mapped_column(Text, default="")
    donation_id: Mapped[str | None] = mapped_column(ForeignKey("donation.id"), index=True)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    posted_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    business_date: Mapped[date] = mapped_column(Date, index=True)

    lines: Mapped[list[JournalLine]] = relationship(
        back_populates="entry", order_by="JournalLine.id"
    )


class JournalLine(Base):
    __tablename__ = "journal_line"
    __table_args__ = (CheckConstraint("amount_fen <> 0", name="amount_nonzero"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entry.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_account.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(Fen)

    entry: Mapped[JournalEntry] = relationship(back_populates="lines")
    account: Mapped[Account] = relationship()
