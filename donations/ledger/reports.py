"""Ledger read models: the trial balance at a date, and what funds held just before given
entries (the journal export is in exports.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from core.db import db
from core.needs.models import Need
from donations.ledger.models import Account, AccountKind, JournalEntry, JournalLine
from donations.projects.models import NeedListing, Pool

# What each kind of account holds, as finance staff name it.
KIND_LABELS = {
    AccountKind.CLEARING: _l("Money held at the payment provider"),
    AccountKind.POOL: _l("Pool fund"),
    AccountKind.NEED: _l("Designated fund of a need"),
    AccountKind.DISBURSED: _l("Paid out to payees"),
    AccountKind.SHORTFALL: _l("Refund shortfall"),
    AccountKind.GENERAL_FUNDS: _l("Covered by the charity's general funds"),
}


@dataclass
class TrialBalanceRow:
    code: str
    name: str
    kind: str
    debit_fen: int
    credit_fen: int

    @property
    def kind_label(self) -> str:
        label = KIND_LABELS.get(self.kind)  # type: ignore[call-overload]
        return str(label) if label is not None else self.kind


def account_label(kind: str, pool_name: str | None, need_title: str | None) -> str:
    """An account as a reader names it: the pool's own name, the need's title, or what the
    account holds (the stored code and name are the ledger's, for the journal export)."""
    if kind == AccountKind.POOL and pool_name:
        return pool_name
    if kind == AccountKind.NEED and need_title:
        return str(_l("Designated: %(title)s", title=need_title))
    label = KIND_LABELS.get(kind)  # type: ignore[call-overload]
    return str(label) if label is not None else kind


def account_names() -> dict[str, str]:
    """Every account's readable name (account_label) by its code, in one query."""
    rows = db.session.execute(
        select(Account.code, Account.kind, Pool.name, Need.title)
        .outerjoin(Pool, Pool.id == Account.pool_id)
        .outerjoin(NeedListing, NeedListing.id == Account.listing_id)
        .outerjoin(Need, Need.id == NeedListing.need_id)
    ).all()
    return {code: account_label(kind, pool, title) for code, kind, pool, title in rows}


def trial_balance(as_of: date) -> list[TrialBalanceRow]:
    """Balances of every account from entries of business dates up to `as_of`; `name` is
    the account's readable name (account_label)."""
    rows = db.session.execute(
        select(
            Account.code,
            Account.kind,
            Pool.name,
            Need.title,
            func.sum(JournalLine.amount_fen),
        )
        .join(JournalLine, JournalLine.account_id == Account.id)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .outerjoin(Pool, Pool.id == Account.pool_id)
        .outerjoin(NeedListing, NeedListing.id == Account.listing_id)
        .outerjoin(Need, Need.id == NeedListing.need_id)
        .where(JournalEntry.business_date <= as_of)
        .group_by(Account.code, Account.kind, Pool.name, Need.title)
        .order_by(Account.code)
    ).all()
    return [
        TrialBalanceRow(
            code,
            account_label(kind, pool, title),
            kind,
            max(int(total), 0),
            max(-int(total), 0),
        )
        for code, kind, pool, title, total in rows
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
