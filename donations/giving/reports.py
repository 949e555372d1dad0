"""Donation read models: the filtered list, one donation with its refunds, reconciliation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from core.db import db
from core.errors import NotFound
from core.listing import Listing, Pager, PageRequest, page_of
from donations.giving.models import Donation, ReconcileRun, Refund
from donations.ledger.check import LedgerReport, check_ledger
from donations.projects.models import NeedListing


@dataclass
class DonationFilter:
    status: str | None = None
    project_id: str | None = None
    q: str = ""
    paging: PageRequest = field(default_factory=lambda: PageRequest(per_page=50))


def _filtered(filters: DonationFilter) -> Select[tuple[Donation]]:
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
    return query


def donation_listing(filters: DonationFilter) -> Listing[Donation]:
    """The donations matching `filters`, newest first, a page at a time; two queries whatever
    the size or the page (core/listing.py)."""
    pager = Pager("donations", [Donation.created_at, Donation.id], [datetime, str], filters.paging)
    return page_of(
        _filtered(filters),
        pager,
        lambda donation: (donation.created_at, donation.id),
        joinedload(Donation.project),
        joinedload(Donation.listing).joinedload(NeedListing.need),
    )


def list_donations(filters: DonationFilter, limit: int) -> tuple[list[Donation], int]:
    """The first `limit` donations matching `filters`, newest first, and how many match."""
    query = _filtered(filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = list(
        db.session.scalars(
            query.options(joinedload(Donation.project), joinedload(Donation.listing))
            .order_by(Donation.created_at.desc(), Donation.id.desc())
            .limit(limit)
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
