"""Grouped sums of the journal, the raw material of every money figure.

Signs: a journal line is positive for a debit, negative for a credit. Money reaching a
fund (a pool, a need's restricted account) is a credit to it; money leaving it a debit.
So, per fund account and entry kind:
- raised: the credit of `donation_received` entries to the project's funds;
- refunded: the debit of `refund` entries to them (what the funds gave back);
- designated: the credit of `donation_received` entries to need accounts;
- allocated: the debit of `allocation` entries to pool accounts;
- paid out: the debit of `disbursement` entries to need accounts.
Redirects (a closed need's money back to the pool) move money within a project.

Each function is one grouped query.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, case, func, select

from core.db import db
from core.needs.models import Need
from core.people.models import Person
from core.reports.figures import DateRange
from donations.ledger.models import Account, AccountKind, EntryKind, JournalEntry, JournalLine
from donations.projects.models import NeedListing, Pool

FUNDS = (AccountKind.POOL.value, AccountKind.NEED.value)
FLOWS = (
    EntryKind.DONATION_RECEIVED.value,
    EntryKind.REFUND.value,
    EntryKind.ALLOCATION.value,
    EntryKind.DISBURSEMENT.value,
)


@dataclass
class Flows:
    """What moved through a project's funds (or a town's needs), in fen."""

    raised_fen: int = 0
    refunded_fen: int = 0
    designated_fen: int = 0
    allocated_fen: int = 0
    paid_fen: int = 0

    def add(self, entry_kind: str, account_kind: str, total: int) -> None:
        if entry_kind == EntryKind.DONATION_RECEIVED:
            self.raised_fen -= total
            if account_kind == AccountKind.NEED:
                self.designated_fen -= total
        elif entry_kind == EntryKind.REFUND:
            self.refunded_fen += total
        elif entry_kind == EntryKind.ALLOCATION and account_kind == AccountKind.POOL:
            self.allocated_fen += total
        elif entry_kind == EntryKind.DISBURSEMENT and account_kind == AccountKind.NEED:
            self.paid_fen += total

    @property
    def net_raised_fen(self) -> int:
        return self.raised_fen - self.refunded_fen


def _in(query: Select[Any], period: DateRange | None) -> Select[Any]:
    if period is None:
        return query
    return query.where(
        JournalEntry.business_date >= period.start, JournalEntry.business_date <= period.end
    )


def flows_by_project(
    period: DateRange | None = None, project_id: str | None = None
) -> dict[str, Flows]:
    """Per project: raised, refunded, designated, allocated, paid out; one query."""
    project = func.coalesce(Pool.project_id, NeedListing.project_id)
    query = (
        select(project, JournalEntry.kind, Account.kind, func.sum(JournalLine.amount_fen))
        .select_from(JournalLine)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .join(Account, Account.id == JournalLine.account_id)
        .outerjoin(Pool, Pool.id == Account.pool_id)
        .outerjoin(NeedListing, NeedListing.id == Account.listing_id)
        .where(Account.kind.in_(FUNDS), JournalEntry.kind.in_(FLOWS))
        .group_by(project, JournalEntry.kind, Account.kind)
    )
    if project_id is not None:
        query = query.where(project == project_id)
    found: dict[str, Flows] = defaultdict(Flows)
    for pid, entry_kind, account_kind, total in db.session.execute(_in(query, period)):
        found[str(pid)].add(entry_kind, account_kind, int(total))
    return dict(found)


@dataclass
class Day:
    received_fen: int = 0
    refunded_fen: int = 0


def received_by_day(period: DateRange) -> dict[date, Day]:
    """Gifts received and refunds made each business day (at the provider's clearing
    account: the whole gift, whatever fund it went to); one query."""
    query = (
        select(JournalEntry.business_date, JournalEntry.kind, func.sum(JournalLine.amount_fen))
        .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .join(Account, Account.id == JournalLine.account_id)
        .where(
            Account.kind == AccountKind.CLEARING.value,
            JournalEntry.kind.in_([EntryKind.DONATION_RECEIVED.value, EntryKind.REFUND.value]),
        )
        .group_by(JournalEntry.business_date, JournalEntry.kind)
    )
    days: dict[date, Day] = defaultdict(Day)
    for day, kind, total in db.session.execute(_in(query, period)):
        if kind == EntryKind.DONATION_RECEIVED:
            days[day].received_fen += int(total)
        else:
            days[day].refunded_fen -= int(total)
    return dict(days)


@dataclass
class FundBalances:
    """The balances of every pool and every need's restricted account, summed."""

    pools_fen: int = 0
    needs_fen: int = 0


def balances_by_day(period: DateRange) -> tuple[FundBalances, dict[date, FundBalances]]:
    """What pools and needs held before the range, and each day's change in it; 2 queries."""
    opening = FundBalances()
    rows = db.session.execute(
        select(Account.kind, func.sum(JournalLine.amount_fen))
        .join(JournalLine, JournalLine.account_id == Account.id)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(Account.kind.in_(FUNDS), JournalEntry.business_date < period.start)
        .group_by(Account.kind)
    )
    for kind, total in rows:
        _credit(opening, kind, int(total))
    changes: dict[date, FundBalances] = defaultdict(FundBalances)
    query = (
        select(JournalEntry.business_date, Account.kind, func.sum(JournalLine.amount_fen))
        .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .join(Account, Account.id == JournalLine.account_id)
        .where(Account.kind.in_(FUNDS))
        .group_by(JournalEntry.business_date, Account.kind)
    )
    for day, kind, total in db.session.execute(_in(query, period)):
        _credit(changes[day], kind, int(total))
    return opening, dict(changes)


def _credit(balances: FundBalances, account_kind: str, debit_total: int) -> None:
    # Funds carry credit balances: what they hold is the negated sum of their lines.
    if account_kind == AccountKind.POOL:
        balances.pools_fen -= debit_total
    else:
        balances.needs_fen -= debit_total


@dataclass
class NeedMoney:
    """Money that reached needs (designated or allocated) and was paid out, and the
    distinct people behind each, for one town or category."""

    into_needs_fen: int = 0
    paid_fen: int = 0
    people_funded: int = 0
    people_paid: int = 0
    needs_paid: int = 0


def money_into_needs_by(
    key: Any,
    period: DateRange | None = None,
    *,
    project_id: str | None = None,
    minors: bool = False,
) -> dict[str, NeedMoney]:
    """Per `key` (Person.town or Need.category): money into needs and paid out, with the
    distinct people and needs behind each; one query."""
    into = JournalEntry.kind.in_([EntryKind.DONATION_RECEIVED.value, EntryKind.ALLOCATION.value])
    paid = JournalEntry.kind == EntryKind.DISBURSEMENT.value
    query = (
        select(
            key,
            func.coalesce(func.sum(case((into, -JournalLine.amount_fen), else_=0)), 0),
            func.coalesce(func.sum(case((paid, JournalLine.amount_fen), else_=0)), 0),
            func.count(func.distinct(case((into, Person.id)))),
            func.count(func.distinct(case((paid, Person.id)))),
            func.count(func.distinct(case((paid, Need.id)))),
        )
        .select_from(JournalLine)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .join(Account, Account.id == JournalLine.account_id)
        .join(NeedListing, NeedListing.id == Account.listing_id)
        .join(Need, Need.id == NeedListing.need_id)
        .join(Person, Person.id == Need.person_id)
        .where(
            Account.kind == AccountKind.NEED.value,
            JournalEntry.kind.in_(
                [
                    EntryKind.DONATION_RECEIVED.value,
                    EntryKind.ALLOCATION.value,
                    EntryKind.DISBURSEMENT.value,
                ]
            ),
        )
        .group_by(key)
    )
    if project_id is not None:
        query = query.where(NeedListing.project_id == project_id)
    if not minors:
        query = query.where(Person.is_minor.is_(False))
    return {
        str(row[0] or ""): NeedMoney(*(int(value or 0) for value in row[1:]))
        for row in db.session.execute(_in(query, period))
    }


def people_behind(project_id: str, *, minors: bool = False) -> tuple[int, int]:
    """Distinct people whose needs on the project received money, and were paid out (a
    person with needs in two categories counts once); one query."""
    into = JournalEntry.kind.in_([EntryKind.DONATION_RECEIVED.value, EntryKind.ALLOCATION.value])
    paid = JournalEntry.kind == EntryKind.DISBURSEMENT.value
    query = (
        select(
            func.count(func.distinct(case((into, Person.id)))),
            func.count(func.distinct(case((paid, Person.id)))),
        )
        .select_from(JournalLine)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .join(Account, Account.id == JournalLine.account_id)
        .join(NeedListing, NeedListing.id == Account.listing_id)
        .join(Need, Need.id == NeedListing.need_id)
        .join(Person, Person.id == Need.person_id)
        .where(Account.kind == AccountKind.NEED.value, NeedListing.project_id == project_id)
    )
    if not minors:
        query = query.where(Person.is_minor.is_(False))
    funded, paid_out = db.session.execute(query).one()
    return int(funded or 0), int(paid_out or 0)


def project_balances(project_id: str) -> FundBalances:
    """What the project's pools and its needs' restricted accounts hold now; one query."""
    project = func.coalesce(Pool.project_id, NeedListing.project_id)
    balances = FundBalances()
    rows = db.session.execute(
        select(Account.kind, func.sum(JournalLine.amount_fen))
        .select_from(JournalLine)
        .join(Account, Account.id == JournalLine.account_id)
        .outerjoin(Pool, Pool.id == Account.pool_id)
        .outerjoin(NeedListing, NeedListing.id == Account.listing_id)
        .where(Account.kind.in_(FUNDS), project == project_id)
        .group_by(Account.kind)
    )
    for kind, total in rows:
        _credit(balances, kind, int(total))
    return balances
