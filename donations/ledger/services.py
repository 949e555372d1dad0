"""Posting to the ledger and reading balances. Callers post inside their own transaction,
beside the state change the entry records; nothing here commits.

An account is opened by the first posting to it (`pool_account`, `need_account`).
Reading a balance never opens one: an account with no posting yet holds 0.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute

from core.db import db, utcnow
from core.timeutil import local_today
from donations.ledger.models import Account, AccountKind, EntryKind, JournalEntry, JournalLine
from donations.projects.models import NeedListing, Pool

CLEARING = "clearing"
DISBURSED = "disbursed"
SHORTFALL = "refund_shortfall"
GENERAL_FUNDS = "general_funds"

K = TypeVar("K", int, str)


class UnbalancedEntry(ValueError):
    """An entry whose lines do not sum to zero, or that is not in whole fen."""


class AlreadyPosted(Exception):
    """An entry with this source key exists: the fact was recorded before."""


def _account(code: str, kind: AccountKind, name: str, **links: object) -> Account:
    account = db.session.scalar(select(Account).where(Account.code == code))
    if account is not None:
        return account
    # Two transactions may race to open the same account; a savepoint lets the
    # loser pick up the winner's row instead of failing its whole transaction.
    try:
        with db.session.begin_nested():
            account = Account(code=code, kind=kind, name=name, **links)
            db.session.add(account)
    except IntegrityError:
        account = db.session.scalar(select(Account).where(Account.code == code))
        assert account is not None
    return account


def clearing_account() -> Account:
    return _account(CLEARING, AccountKind.CLEARING, "Provider clearing")


def disbursed_account() -> Account:
    return _account(DISBURSED, AccountKind.DISBURSED, "Disbursed to payees")


def shortfall_account() -> Account:
    return _account(SHORTFALL, AccountKind.SHORTFALL, "Refund shortfall")


def general_funds_account() -> Account:
    return _account(GENERAL_FUNDS, AccountKind.GENERAL_FUNDS, "Covered by charity general funds")


def pool_account(pool: Pool) -> Account:
    return _account(f"pool:{pool.id}", AccountKind.POOL, f"Pool {pool.name}", pool_id=pool.id)


def need_account(listing: NeedListing) -> Account:
    return _account(
        f"need:{listing.id}",
        AccountKind.NEED,
        f"Need {listing.need_id} restricted",
        listing_id=listing.id,
    )


@dataclass(frozen=True)
class Leg:
    account: Account
    amount_fen: int  # + debit, - credit


def post(
    kind: EntryKind,
    source_key: str,
    legs: list[Leg],
    *,
    memo: str = "",
    donation_id: str | None = None,
    created_by_id: int | None = None,
    reverses_id: int | None = None,
) -> JournalEntry:
    """Post one balanced entry; raises AlreadyPosted if `source_key` was posted before."""
    legs = [leg for leg in legs if leg.amount_fen != 0]
    if not legs or sum(leg.amount_fen for leg in legs) != 0:
        raise UnbalancedEntry(f"entry {source_key} does not balance")
    if any(not isinstance(leg.amount_fen, int) for leg in legs):
        raise UnbalancedEntry("amounts must be integer fen")
    if db.session.scalar(select(JournalEntry.id).where(JournalEntry.source_key == source_key)):
        raise AlreadyPosted(source_key)
    entry = JournalEntry(
        kind=kind,
        source_key=source_key,
        memo=memo,
        donation_id=donation_id,
        created_by_id=created_by_id,
        reverses_id=reverses_id,
        posted_at=utcnow(),
        business_date=local_today(),
    )
    entry.lines = [
        JournalLine(account_id=leg.account.id, amount_fen=leg.amount_fen) for leg in legs
    ]
    db.session.add(entry)
    db.session.flush()
    return entry


def reverse(entry_id: int, source_key: str, memo: str, created_by_id: int | None) -> JournalEntry:
    """A correction: the same lines with opposite signs, linked to the original."""
    original = db.session.get(JournalEntry, entry_id)
    if original is None:
        raise LookupError(entry_id)
    legs = [Leg(line.account, -line.amount_fen) for line in original.lines]
    return post(
        EntryKind.REVERSAL,
        source_key,
        legs,
        memo=memo,
        created_by_id=created_by_id,
        reverses_id=original.id,
        donation_id=original.donation_id,
    )


def balance_fen(account: Account) -> int:
    """Debit-positive balance of an account."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(JournalLine.amount_fen), 0)).where(
            JournalLine.account_id == account.id
        )
    )
    return int(total or 0)


def fund_balance_fen(account: Account) -> int:
    """A fund's balance as people read it (credit-positive), for an account in hand."""
    return -balance_fen(account)


def _fund_balances(link: InstrumentedAttribute[K | None], keys: Collection[K]) -> dict[K, int]:
    if not keys:
        return {}
    rows = db.session.execute(
        select(link, func.sum(JournalLine.amount_fen))
        .join(JournalLine, JournalLine.account_id == Account.id)
        .where(link.in_(keys))
        .group_by(link)
    ).all()
    # SUM of a BIGINT is NUMERIC on PostgreSQL: back to int fen.
    found = {key: -int(total) for key, total in rows}
    return {key: found.get(key, 0) for key in keys}


def pool_balances_fen(pool_ids: Collection[int]) -> dict[int, int]:
    """Each pool's balance (credit-positive) in one query; 0 for a pool never posted to."""
    return _fund_balances(Account.pool_id, pool_ids)


def need_balances_fen(listing_ids: Collection[str]) -> dict[str, int]:
    """What each listed need still holds, in one query; 0 for a need never posted to."""
    return _fund_balances(Account.listing_id, listing_ids)


def pool_balance_fen(pool: Pool) -> int:
    return pool_balances_fen([pool.id])[pool.id]


def need_balance_fen(listing: NeedListing) -> int:
    return need_balances_fen([listing.id])[listing.id]
