"""Where donors' money went: a donor's donations with their destinations, and the
public impact feed. Both lists are keyset-paged with core's cursor codec.

Designated money went to its need. Pool money is the donor's pro-rata share of
what the pool allocated to needs; what the pool still holds is shown as such.
Both read the ledger, so they agree with the books by construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from core.db import db
from core.needs.models import Need
from core.paging import Page, cursor_codec
from core.people.models import Person
from core.timeutil import to_local
from donations.giving.booking import default_pool
from donations.giving.models import Donation
from donations.ledger.models import Account, AccountKind, EntryKind, JournalEntry, JournalLine
from donations.projects.models import NeedListing


def _need_dest(listing: NeedListing, amount_fen: int) -> dict[str, Any]:
    need = listing.need
    minor = need.person.is_minor
    return {
        "need_alias": None if minor else need.alias,
        "category": need.category,
        "town": None if minor else need.person.town,
        "amount_fen": amount_fen,
        "status": listing.status,
    }


@dataclass(frozen=True)
class PoolPicture:
    """What a project's default pool received from gifts, and what it allocated to each need."""

    received_fen: int
    allocations: list[tuple[NeedListing, int]]


def pool_picture(project_id: str) -> PoolPicture:
    pool_acct = db.session.scalar(
        select(Account).where(Account.pool_id == default_pool(project_id).id)
    )
    if pool_acct is None:
        return PoolPicture(0, [])
    received = -int(
        db.session.scalar(
            select(func.coalesce(func.sum(JournalLine.amount_fen), 0))
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(
                JournalLine.account_id == pool_acct.id,
                JournalEntry.kind == EntryKind.DONATION_RECEIVED,
            )
        )
        or 0
    )
    rows = db.session.execute(
        select(Account.listing_id, func.sum(JournalLine.amount_fen))
        .join(JournalLine, JournalLine.account_id == Account.id)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalEntry.kind == EntryKind.ALLOCATION, Account.kind == AccountKind.NEED)
        .where(
            JournalEntry.id.in_(
                select(JournalLine.entry_id).where(JournalLine.account_id == pool_acct.id)
            )
        )
        .group_by(Account.listing_id)
    ).all()
    listings = {
        listing.id: listing
        for listing in db.session.scalars(
            select(NeedListing)
            .options(joinedload(NeedListing.need).joinedload(Need.person))
            .where(NeedListing.id.in_([listing_id for listing_id, _ in rows]))
        )
    }
    return PoolPicture(
        received,
        [(listings[lid], -int(credited)) for lid, credited in rows if lid in listings],
    )


def went_to(
    donation: Donation, pictures: dict[str, PoolPicture] | None = None
) -> list[dict[str, Any]]:
    """Pass the same `pictures` dict for a page of donations: each project's pool is read once."""
    out: list[dict[str, Any]] = []
    net_need = max(0, donation.to_need_fen - min(donation.refunded_fen, donation.to_need_fen))
    if net_need and donation.listing is not None:
        out.append(_need_dest(donation.listing, net_need))
    pool_share = donation.to_pool_fen - max(0, donation.refunded_fen - donation.to_need_fen)
    if pool_share <= 0:
        return out
    if pictures is None:
        pictures = {}
    if donation.project_id not in pictures:
        pictures[donation.project_id] = pool_picture(donation.project_id)
    picture = pictures[donation.project_id]
    allocated_total = 0
    if picture.received_fen > 0:
        for listing, credited in picture.allocations:
            share = credited * pool_share // picture.received_fen
            if share > 0:
                out.append(_need_dest(listing, share))
                allocated_total += share
    remaining = pool_share - allocated_total
    if remaining > 0:
        out.append(
            {
                "need_alias": None,
                "category": None,
                "town": None,
                "amount_fen": remaining,
                "status": "in_pool",
            }
        )
    return out


def donations_of_donor(
    donor_id: str, limit: int, cursor: str | None
) -> Page[tuple[Donation, list[dict[str, Any]]]]:
    """The donor's donations, every status, newest first, each with where it went.

    Keyset-paged on (created_at, id), so a gift made meanwhile never shifts a page;
    each project's pool is read once per page. A bad cursor raises InvalidCursor.
    """
    codec = cursor_codec("my-donations")
    query = (
        select(Donation)
        .options(joinedload(Donation.listing).joinedload(NeedListing.need).joinedload(Need.person))
        .where(Donation.donor_id == donor_id)
    )
    if cursor:
        moment, last_id = codec.decode(cursor, datetime, str)
        query = query.where(
            or_(
                Donation.created_at < moment,
                and_(Donation.created_at == moment, Donation.id < last_id),
            )
        )
    rows = list(
        db.session.scalars(
            query.order_by(Donation.created_at.desc(), Donation.id.desc()).limit(limit + 1)
        )
    )
    pictures: dict[str, PoolPicture] = {}
    items = [(donation, went_to(donation, pictures)) for donation in rows[:limit]]
    last = rows[limit - 1] if len(rows) > limit else None
    return Page(items, None if last is None else codec.encode(last.created_at, last.id))


def impact_feed(limit: int, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """Anonymised payouts, newest first; never a minor (DESIGN.md 3).

    Keyset-paged on the journal entry; a bad cursor raises InvalidCursor.
    """
    codec = cursor_codec("impact")
    query = (
        select(JournalEntry.id, JournalEntry.posted_at, JournalLine.amount_fen, NeedListing, Need)
        .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .join(Account, Account.id == JournalLine.account_id)
        .join(NeedListing, NeedListing.id == Account.listing_id)
        .join(Need, Need.id == NeedListing.need_id)
        .join(Person, Person.id == Need.person_id)
        .where(JournalEntry.kind == EntryKind.DISBURSEMENT, Account.kind == AccountKind.NEED)
        .where(Person.is_minor.is_(False))
        .order_by(JournalEntry.id.desc())
        .limit(limit + 1)
    )
    if cursor:
        (last_id,) = codec.decode(cursor, int)
        query = query.where(JournalEntry.id < last_id)
    rows = db.session.execute(query).all()
    items = [
        {
            "id": f"imp_{entry_id}",
            "alias": need.alias,
            "category": need.category,
            "town": listing.need.person.town,
            "amount_fen": int(amount),
            "month": to_local(posted_at).strftime("%Y-%m"),
        }
        for entry_id, posted_at, amount, listing, need in rows[:limit]
    ]
    next_cursor = codec.encode(rows[limit - 1][0]) if len(rows) > limit else None
    return items, next_cursor
