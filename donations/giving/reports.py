"""Donation read models: the filtered list, one donation with its refunds, reconciliation."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from core.db import db
from core.errors import NotFound
from donations.giving.models import Donation, ReconcileRun, Refund
from donations.ledger.check import LedgerReport, check_ledger


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


def last_runs(limit: int = 10) -> list[ReconcileRun]:
    return list(
        db.session.scalars(select(ReconcileRun).order_by(ReconcileRun.id.desc()).limit(limit))
    )


@dataclass(frozen=True)
class DonationPage:
    donation: Donation
    refunds: list[Refund]


def donation_page(donation_id: str) -> DonationPage:
    donation = db.session.get(Donation, donation_id)
    if donation is None:
        raise NotFound("No such donation.")
    refunds = db.session.scalars(
        select(Refund).where(Refund.donation_id == donation.id).order_by(Refund.id)
    )
    return DonationPage(donation, list(refunds))


@dataclass(frozen=True)
class ReconciliationPage:
    runs: list[ReconcileRun]
    ledger: LedgerReport


def reconciliation_page() -> ReconciliationPage:
    """The latest runs, newest first, and the ledger's invariants as they stand."""
    return ReconciliationPage(last_runs(), check_ledger())
