"""Whose money a pool spent: the pool's moves read from the journal, in ledger order, and
attributed first in, first out (`fifo.attribute`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import aliased

from core.db import db
from donations.ledger.fifo import Attribution, MoveKind, PoolMove, attribute
from donations.ledger.models import Account, AccountKind, EntryKind, JournalEntry, JournalLine


def _move(
    seq: int, kind: str, donation_id: str | None, amount_fen: int, listing_id: str | None
) -> PoolMove:
    if amount_fen < 0:  # a credit: money into the pool
        if kind == EntryKind.REDIRECT and donation_id is None and listing_id is not None:
            # A closed need gives back what the pool allocated to it; the money a donor
            # designated to it comes with the donation's id (closing.py).
            return PoolMove(seq, MoveKind.RETURN, -amount_fen, listing_id=listing_id)
        return PoolMove(seq, MoveKind.GIFT, -amount_fen, donation_id=donation_id)
    if kind == EntryKind.ALLOCATION:
        return PoolMove(seq, MoveKind.ALLOCATION, amount_fen, listing_id=listing_id)
    return PoolMove(seq, MoveKind.REFUND, amount_fen, donation_id=donation_id)


def pool_moves(pool_id: int) -> list[PoolMove]:
    """Every line of the pool's account, with the need on the other side if there is one;
    one query."""
    need_line, need = aliased(JournalLine), aliased(Account)
    listing = (
        select(need.listing_id)
        .join(need_line, need_line.account_id == need.id)
        .where(need_line.entry_id == JournalEntry.id, need.kind == AccountKind.NEED)
        .limit(1)
        .correlate(JournalEntry)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(
            JournalEntry.id,
            JournalEntry.kind,
            JournalEntry.donation_id,
            JournalLine.amount_fen,
            listing,
        )
        .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .join(Account, Account.id == JournalLine.account_id)
        .where(Account.pool_id == pool_id)
        .order_by(JournalEntry.id)
    ).all()
    return [
        _move(int(seq), kind, donation, int(amount), lid)
        for seq, kind, donation, amount, lid in rows
    ]


def pool_attribution(pool_id: int) -> Attribution:
    return attribute(pool_moves(pool_id))
