"""Where donors' money went: a donor's donations with their destinations, and the
public impact feed. Both lists are keyset-paged with core's cursor codec.

Designated money went to its need. Pool money is spent first in, first out: an
allocation uses the oldest money in the pool, so a gift is never said to have paid
for an allocation made before it reached the pool, and the shares of each
allocation add up to it; what the pool still holds is shown as such. Both read
the ledger, so they agree with the books by construction.
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
from core.small_cells import hide_small
from core.timeutil import to_local
from donations.giving.models import Donation
from donations.ledger.fifo import Attribution
from donations.ledger.models import Account, AccountKind, EntryKind, JournalEntry, JournalLine
from donations.ledger.pools import pool_attribution
from donations.projects.models import NeedListing, Pool


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
    """Whose money a project's default pool spent on which needs (first in, first out)."""

    attribution: Attribution
    listings: dict[str, NeedListing]


def pool_picture(project_id: str) -> PoolPicture:
    # Read, never create: a GET writes nothing (default_pool() would add a missing pool).
    pool_id = db.session.scalar(
        select(Pool.id).where(Pool.project_id == project_id, Pool.is_default.is_(True))
    )
    attribution = pool_attribution(pool_id) if pool_id is not None else Attribution()
    wanted = {share.listing_id for share in attribution.shares}
    listings = (
        {
            listing.id: listing
            for listing in db.session.scalars(
                select(NeedListing)
                .options(joinedload(NeedListing.need).joinedload(Need.person))
                .where(NeedListing.id.in_(wanted))
            )
        }
        if wanted
        else {}
    )
    return PoolPicture(attribution, listings)


def went_to(
    donation: Donation, pictures: dict[str, PoolPicture] | None = None
) -> list[dict[str, Any]]:
    """Where a donation's money is: its need, the needs its pool money paid for, and what
    the pool still holds of it. Pass the same `pictures` dict for a page of donations:
    each project's pool is read once."""
    out: list[dict[str, Any]] = []
    net_need = max(0, donation.to_need_fen - min(donation.refunded_fen, donation.to_need_fen))
    if net_need and donation.listing is not None:
        out.append(_need_dest(donation.listing, net_need))
    if donation.to_pool_fen <= 0:
        return out
    if pictures is None:
        pictures = {}
    if donation.project_id not in pictures:
        pictures[donation.project_id] = pool_picture(donation.project_id)
    picture = pictures[donation.project_id]
    for listing_id, amount in picture.attribution.of(donation.id):
        out.append(_need_dest(picture.listings[listing_id], amount))
    in_pool = picture.attribution.in_pool.get(donation.id, 0)
    if in_pool > 0:
        out.append(
            {
                "need_alias": None,
                "category": None,
                "town": None,
                "amount_fen": in_pool,
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


def _people_paid(
    towns: set[str], categories: set[str]
) -> tuple[dict[tuple[str, str], int], dict[str, int], dict[str, int]]:
    """Distinct people (never a minor) whose needs were paid out, ever: per town and
    category, per town, per category, for the towns and categories asked; three queries."""
    base = (
        select()
        .select_from(JournalLine)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .join(Account, Account.id == JournalLine.account_id)
        .join(NeedListing, NeedListing.id == Account.listing_id)
        .join(Need, Need.id == NeedListing.need_id)
        .join(Person, Person.id == Need.person_id)
        .where(
            JournalEntry.kind == EntryKind.DISBURSEMENT,
            Account.kind == AccountKind.NEED,
            Person.is_minor.is_(False),
        )
    )
    people = func.count(func.distinct(Person.id))
    pairs = {
        (str(town), str(category)): int(n)
        for town, category, n in db.session.execute(
            base.add_columns(Person.town, Need.category, people)
            .where(Person.town.in_(towns), Need.category.in_(categories))
            .group_by(Person.town, Need.category)
        )
    }
    by_town = {
        str(town): int(n)
        for town, n in db.session.execute(
            base.add_columns(Person.town, people)
            .where(Person.town.in_(towns))
            .group_by(Person.town)
        )
    }
    by_category = {
        str(category): int(n)
        for category, n in db.session.execute(
            base.add_columns(Need.category, people)
            .where(Need.category.in_(categories))
            .group_by(Need.category)
        )
    }
    return pairs, by_town, by_category


def _shown(
    town: str,
    category: str,
    alias: str,
    counts: tuple[dict[tuple[str, str], int], dict[str, int], dict[str, int]],
) -> tuple[str | None, str | None, str | None]:
    """(alias, category, town) as a line of the feed may show them: nothing that counts
    fewer than 3 people (core.small_cells). The alias and the town and category together
    only when at least 3 people of that town were paid for that category; else the
    category alone, or the town alone, when that counts at least 3 people; else nothing
    but the amount and the month."""
    pairs, by_town, by_category = counts
    if hide_small(pairs.get((town, category), 0)) is not None:
        return alias, category, town
    if hide_small(by_category.get(category, 0)) is not None:
        return None, category, None
    if hide_small(by_town.get(town, 0)) is not None:
        return None, None, town
    return None, None, None


def impact_feed(limit: int, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """Anonymised payouts, newest first; never a minor (docs/privacy.md), never a town,
    category or alias that fewer than 3 people paid out share (`_shown`).

    Keyset-paged on the journal entry; a bad cursor raises InvalidCursor. Four queries
    a page, whatever its length.
    """
    codec = cursor_codec("impact")
    query = (
        select(
            JournalEntry.id,
            JournalEntry.posted_at,
            JournalLine.amount_fen,
            Need.alias,
            Need.category,
            Person.town,
        )
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
    rows = db.session.execute(query).all()[: limit + 1]
    page = rows[:limit]
    counts = (
        _people_paid({str(r.town) for r in page}, {str(r.category) for r in page})
        if page
        else ({}, {}, {})
    )
    items = []
    for entry_id, posted_at, amount, alias, category, town in page:
        shown_alias, shown_category, shown_town = _shown(
            str(town), str(category), str(alias), counts
        )
        items.append(
            {
                "id": f"imp_{entry_id}",
                "alias": shown_alias,
                "category": shown_category,
                "town": shown_town,
                "amount_fen": int(amount),
                "month": to_local(posted_at).strftime("%Y-%m"),
            }
        )
    next_cursor = codec.encode(rows[limit - 1][0]) if len(rows) > limit else None
    return items, next_cursor
