"""`ledger-check`: every invariant of the ledger, as a readable report."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from core.db import db
from core.money import format_fen
from donations.giving.models import (
    Discrepancy,
    DiscrepancyKind,
    Donation,
    DonationStatus,
    ProviderEvent,
)
from donations.ledger.models import Account, AccountKind, EntryKind, JournalEntry, JournalLine
from donations.ledger.reports import account_names
from donations.ledger.services import CLEARING, GENERAL_FUNDS, SHORTFALL
from donations.projects.models import NeedListing


class Problem(str):
    """A broken invariant. It reads as an English sentence (the CLI, logs, tests);
    `msgid` and `params` let a page show it in the reader's language. Amounts are
    given already formatted in yuan."""

    msgid: str
    params: dict[str, object]

    def __new__(cls, msgid: str, **params: object) -> Problem:
        problem = super().__new__(cls, msgid % params if params else msgid)
        problem.msgid = msgid
        problem.params = params
        return problem


def _gift(donation: Donation) -> str:
    """A donation as finance staff know it: its certificate number, else amount and day."""
    if donation.certificate_no:
        return donation.certificate_no
    return f"{format_fen(donation.amount_fen)} {donation.local_day.isoformat()}"


@dataclass
class LedgerReport:
    entries: int = 0
    lines: int = 0
    problems: list[Problem] = field(default_factory=list)
    balances: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def _sum_by(query: object) -> dict[object, int]:
    return {key: int(total or 0) for key, total in db.session.execute(query)}  # type: ignore[call-overload]


def check_ledger() -> LedgerReport:
    report = LedgerReport()
    report.entries = db.session.scalar(select(func.count()).select_from(JournalEntry)) or 0
    report.lines = db.session.scalar(select(func.count()).select_from(JournalLine)) or 0

    unbalanced = db.session.execute(
        select(JournalLine.entry_id, func.sum(JournalLine.amount_fen))
        .group_by(JournalLine.entry_id)
        .having(func.sum(JournalLine.amount_fen) != 0)
    ).all()
    for entry_id, total in unbalanced:
        report.problems.append(
            Problem(
                "Journal entry %(entry)s does not balance (off by %(amount)s).",
                entry=entry_id,
                amount=format_fen(int(total)),
            )
        )
    lonely = db.session.execute(
        select(JournalEntry.id)
        .outerjoin(JournalLine)
        .group_by(JournalEntry.id)
        .having(func.count(JournalLine.id) < 2)
    ).all()
    for (entry_id,) in lonely:
        report.problems.append(
            Problem("Journal entry %(entry)s has fewer than two lines.", entry=entry_id)
        )

    by_account = _sum_by(
        select(Account.code, func.coalesce(func.sum(JournalLine.amount_fen), 0))
        .join(JournalLine, JournalLine.account_id == Account.id)
        .group_by(Account.code)
    )
    kinds = dict(db.session.execute(select(Account.code, Account.kind)).tuples().all())
    for code, total in sorted(by_account.items(), key=lambda kv: str(kv[0])):
        report.balances[str(code)] = int(total)
        if kinds.get(str(code)) in (AccountKind.POOL, AccountKind.NEED) and total > 0:
            report.problems.append(
                Problem(
                    "Shortfall: the fund %(fund)s paid out %(amount)s more than it received.",
                    fund=account_names().get(str(code), str(code)),
                    amount=format_fen(int(total)),
                )
            )

    # The clearing account holds exactly what donors paid, less what was refunded.
    paid = (
        db.session.scalar(
            select(func.coalesce(func.sum(Donation.amount_fen - Donation.refunded_fen), 0)).where(
                Donation.status.in_(
                    (
                        DonationStatus.SUCCEEDED,
                        DonationStatus.PARTIALLY_REFUNDED,
                        DonationStatus.REFUNDED,
                    )
                )
            )
        )
        or 0
    )
    clearing = report.balances.get(CLEARING, 0)
    if clearing != paid:
        report.problems.append(
            Problem(
                "The money held at the payment provider is %(held)s; the donations say "
                "%(expected)s.",
                held=format_fen(clearing),
                expected=format_fen(int(paid)),
            )
        )

    # Each donation's receipt entry matches what the donation says it did.
    received = _sum_by(
        select(JournalEntry.donation_id, func.sum(JournalLine.amount_fen))
        .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .join(Account, Account.id == JournalLine.account_id)
        .where(JournalEntry.kind == EntryKind.DONATION_RECEIVED, Account.code == CLEARING)
        .group_by(JournalEntry.donation_id)
    )
    refunded = _sum_by(
        select(JournalEntry.donation_id, -func.sum(JournalLine.amount_fen))
        .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .join(Account, Account.id == JournalLine.account_id)
        .where(JournalEntry.kind == EntryKind.REFUND, Account.code == CLEARING)
        .group_by(JournalEntry.donation_id)
    )
    for donation in db.session.scalars(
        select(Donation).where(Donation.status != DonationStatus.PENDING)
    ):
        paid_out = donation.status in (
            DonationStatus.SUCCEEDED,
            DonationStatus.PARTIALLY_REFUNDED,
            DonationStatus.REFUNDED,
        )
        got = received.get(donation.id, 0)
        if paid_out and got != donation.amount_fen:
            report.problems.append(
                Problem(
                    "Donation %(gift)s: the ledger received %(got)s, expected %(expected)s.",
                    gift=_gift(donation),
                    got=format_fen(got),
                    expected=format_fen(donation.amount_fen),
                )
            )
        if not paid_out and got:
            report.problems.append(
                Problem(
                    "Donation %(gift)s was not paid, but the ledger received money for it.",
                    gift=_gift(donation),
                )
            )
        if refunded.get(donation.id, 0) != donation.refunded_fen:
            report.problems.append(
                Problem(
                    "Donation %(gift)s: the refunds in the ledger differ from the donation's.",
                    gift=_gift(donation),
                )
            )

    # A need's raised amount is what gifts and allocations put into its account.
    raised = _sum_by(
        select(Account.listing_id, -func.sum(JournalLine.amount_fen))
        .join(JournalLine, JournalLine.account_id == Account.id)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(Account.kind == AccountKind.NEED)
        .where(
            JournalEntry.kind.in_(
                (
                    EntryKind.DONATION_RECEIVED,
                    EntryKind.REFUND,
                    EntryKind.ALLOCATION,
                    EntryKind.REDIRECT,
                )
            )
        )
        .group_by(Account.listing_id)
    )
    for listing in db.session.scalars(select(NeedListing)):
        if raised.get(listing.id, 0) != listing.raised_fen:
            report.problems.append(
                Problem(
                    "Need #%(need)s: raised %(raised)s, but the ledger says %(ledger)s.",
                    need=listing.need_id,
                    raised=format_fen(listing.raised_fen),
                    ledger=format_fen(raised.get(listing.id, 0)),
                )
            )
        if listing.raised_fen > listing.amount_fen:
            report.problems.append(
                Problem("Need #%(need)s raised more than its amount.", need=listing.need_id)
            )

    _check_shortfalls(report)

    mismatches = (
        db.session.scalar(
            select(func.count())
            .select_from(ProviderEvent)
            .where(ProviderEvent.outcome == "mismatch")
        )
        or 0
    )
    if mismatches:
        report.problems.append(
            Problem(
                "%(n)s payment provider events disagree with our amounts (see reconciliation).",
                n=mismatches,
            )
        )
    return report


def _check_shortfalls(report: LedgerReport) -> None:
    """The refund shortfall account holds exactly the shortfalls finance has not settled,
    and the charity's general funds exactly those it covered."""
    rows = db.session.execute(
        select(Discrepancy.settled_at.is_(None), func.sum(Discrepancy.amount_fen))
        .where(Discrepancy.kind == DiscrepancyKind.REFUND_SHORTFALL)
        .group_by(Discrepancy.settled_at.is_(None))
    ).all()
    open_fen = sum(int(total) for is_open, total in rows if is_open)
    settled_fen = sum(int(total) for is_open, total in rows if not is_open)
    held = report.balances.get(SHORTFALL, 0)
    if held != open_fen:
        report.problems.append(
            Problem(
                "The refund shortfall account holds %(held)s; the open shortfalls say "
                "%(expected)s.",
                held=format_fen(held),
                expected=format_fen(open_fen),
            )
        )
    covered = report.balances.get(GENERAL_FUNDS, 0)
    if covered != settled_fen:
        report.problems.append(
            Problem(
                "The charity's general funds covered %(held)s; the settled shortfalls say "
                "%(expected)s.",
                held=format_fen(covered),
                expected=format_fen(settled_fen),
            )
        )


def format_report(report: LedgerReport) -> str:
    out = [f"ledger: {report.entries} entries, {report.lines} lines"]
    for code, total in report.balances.items():
        out.append(f"  {code:<48} {total:>14} fen")
    if report.ok:
        out.append("all invariants hold")
    for problem in report.problems:
        out.append(f"PROBLEM: {problem}")
    return "\n".join(out)
