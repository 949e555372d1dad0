"""What a donation's money does once paid, and what a refund takes back.

Both run inside the caller's transaction, beside the donation's status change.
The need listing row is locked, so gifts paid at the same moment cannot
together push a need past its amount: the later one's overshoot goes to the
project pool and the donation says so.

A refund comes back from where the gift went: its need first, then what the pool
still holds of that gift; whatever was already spent is a refund shortfall, never
a fund below zero.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from core.audit import Actor
from core.db import db, utcnow
from core.needs.models import NeedStatus
from core.needs.services import move_need_status
from core.timeutil import local_today
from donations.donors.certificate_images import queue_drawing
from donations.donors.certificates import assign_number
from donations.donors.messages import queue_message
from donations.giving.discrepancies import record_discrepancy
from donations.giving.models import DiscrepancyKind, Donation, DonationStatus
from donations.ledger.models import EntryKind
from donations.ledger.pools import pool_attribution
from donations.ledger.services import (
    AlreadyPosted,
    Leg,
    clearing_account,
    need_account,
    need_balance_fen,
    pool_account,
    post,
    shortfall_account,
)
from donations.projects.models import ListingStatus, NeedListing, Pool

SYSTEM = Actor.system("payments")


def default_pool(project_id: str) -> Pool:
    pool = db.session.scalar(
        select(Pool).where(Pool.project_id == project_id, Pool.is_default.is_(True))
    )
    if pool is None:
        pool = Pool(project_id=project_id, name="项目资金池", is_default=True)
        db.session.add(pool)
        db.session.flush()
    return pool


def lock_listing(listing_id: str) -> NeedListing | None:
    return db.session.scalar(
        select(NeedListing).where(NeedListing.id == listing_id).with_for_update()
    )


def listing_is_open(listing: NeedListing) -> bool:
    """Takes money: published on the map, and its need neither closed nor past its deadline
    (the closing job may not have run yet)."""
    need = listing.need
    return (
        listing.status == ListingStatus.PUBLISHED
        and need.status == NeedStatus.PUBLISHED
        and need.deadline >= local_today()
    )


def credit_listing(listing: NeedListing, amount_fen: int, why: str) -> None:
    """Money reached a need (a gift, an allocation, a redirect): raise what it has raised,
    and when it is full, mark it funded and tell its donors. Caller holds the row lock."""
    listing.raised_fen += amount_fen
    if listing.raised_fen == listing.amount_fen and listing.status == ListingStatus.PUBLISHED:
        listing.status = ListingStatus.FUNDED
        move_need_status(listing.need_id, NeedStatus.FUNDED, SYSTEM, why)
        for gift in listing_gifts(listing):
            queue_message(gift, "need_funded")


def listing_gifts(listing: NeedListing) -> list[Donation]:
    """The donations that designated money to this need."""
    return list(
        db.session.scalars(
            select(Donation).where(Donation.listing_id == listing.id, Donation.to_need_fen > 0)
        )
    )


def receive_payment(donation: Donation, source_key: str) -> bool:
    """Record a succeeded payment; False if it was recorded before."""
    if donation.status in (
        DonationStatus.SUCCEEDED,
        DonationStatus.REFUNDED,
        DonationStatus.PARTIALLY_REFUNDED,
    ):
        return False
    amount = donation.amount_fen
    to_need = 0
    listing = lock_listing(donation.listing_id) if donation.listing_id else None
    if listing is not None and listing_is_open(listing):
        to_need = max(0, min(amount, listing.amount_fen - listing.raised_fen))
    to_pool = amount - to_need
    pool = default_pool(donation.project_id)
    legs = [Leg(clearing_account(), amount)]
    if to_need:
        assert listing is not None
        legs.append(Leg(need_account(listing), -to_need))
    if to_pool:
        legs.append(Leg(pool_account(pool), -to_pool))
    try:
        post(
            EntryKind.DONATION_RECEIVED,
            source_key,
            legs,
            donation_id=donation.id,
            memo=f"donation {donation.id}",
        )
    except AlreadyPosted:
        return False
    donation.status = DonationStatus.SUCCEEDED
    donation.paid_at = utcnow()
    donation.to_need_fen = to_need
    donation.to_pool_fen = to_pool
    donation.redirected_to_pool = listing is not None and to_pool > 0
    queue_message(donation, "donation_succeeded")
    queue_drawing(donation)
    if listing is not None and to_need:
        # The donation's own split is set above, so it is among the gifts told.
        credit_listing(listing, to_need, "fully funded")
    # Last: the project's counter row stays locked from here to the commit.
    assign_number(donation, donation.project)
    return True


@dataclass(frozen=True)
class RefundSplit:
    """Where a refund is taken from: the gift's designated part from its need, its pool
    part from what the pool still holds of this very gift (first in, first out). What
    neither holds any more was spent (paid out, allocated): a shortfall."""

    from_need: int
    from_pool: int
    short_of_need: int
    short_of_pool: int

    @property
    def shortfall(self) -> int:
        return self.short_of_need + self.short_of_pool


def refund_split(
    donation: Donation,
    amount_fen: int,
    *,
    need_held_fen: int,
    gift_in_pool_fen: int,
    pending_fen: int = 0,
) -> RefundSplit:
    """The gift's need first, then its pool money. `pending_fen` is what refunds asked for
    and not yet confirmed will take first, from the same places in the same order."""
    need_left = donation.to_need_fen - min(donation.refunded_fen, donation.to_need_fen)
    if donation.listing_id is None:
        need_left = 0
    pending_need = min(pending_fen, need_left)
    pending_pool = pending_fen - pending_need
    want_need = min(amount_fen, need_left - pending_need)
    want_pool = amount_fen - want_need
    from_need = min(want_need, max(0, need_held_fen - pending_need))
    from_pool = min(want_pool, max(0, gift_in_pool_fen - pending_pool))
    return RefundSplit(from_need, from_pool, want_need - from_need, want_pool - from_pool)


def lock_default_pool(project_id: str) -> Pool:
    pool = db.session.scalar(
        select(Pool)
        .where(Pool.project_id == project_id, Pool.is_default.is_(True))
        .with_for_update()
    )
    return pool if pool is not None else default_pool(project_id)


@dataclass(frozen=True)
class RefundSource:
    split: RefundSplit
    pool: Pool
    listing: NeedListing | None


def locate_refund(donation: Donation, amount_fen: int, pending_fen: int = 0) -> RefundSource:
    """Where a refund of this donation would come from now, under row locks on its pool
    and its need (pools before needs, as allocation approval locks them)."""
    pool = lock_default_pool(donation.project_id)
    listing = lock_listing(donation.listing_id) if donation.listing_id else None
    split = refund_split(
        donation,
        amount_fen,
        need_held_fen=need_balance_fen(listing) if listing is not None else 0,
        gift_in_pool_fen=pool_attribution(pool.id).in_pool.get(donation.id, 0),
        pending_fen=pending_fen,
    )
    return RefundSource(split, pool, listing)


def apply_refund(donation: Donation, provider_refund_id: str, amount_fen: int) -> bool:
    """Record a succeeded refund once; the provider is the authority on whether it happened.

    No fund goes below zero: what the gift's need and the pool no longer hold of it goes
    to the refund shortfall account, and finance is asked to settle it."""
    if amount_fen <= 0:
        return False
    amount_fen = min(amount_fen, donation.amount_fen - donation.refunded_fen)
    if amount_fen <= 0:
        return False
    source = locate_refund(donation, amount_fen)
    split, listing = source.split, source.listing
    legs = [Leg(clearing_account(), -amount_fen)]
    if split.from_need and listing is not None:
        legs.append(Leg(need_account(listing), split.from_need))
    if split.from_pool:
        legs.append(Leg(pool_account(source.pool), split.from_pool))
    if split.shortfall:
        legs.append(Leg(shortfall_account(), split.shortfall))
    try:
        post(
            EntryKind.REFUND,
            f"refund:{provider_refund_id}",
            legs,
            donation_id=donation.id,
            memo=f"refund {provider_refund_id} of donation {donation.id}",
        )
    except AlreadyPosted:
        return False
    if split.shortfall:
        record_discrepancy(
            DiscrepancyKind.REFUND_SHORTFALL,
            provider_refund_id,
            split.shortfall,
            donation_id=donation.id,
        )
    donation.refunded_fen += amount_fen
    donation.status = (
        DonationStatus.REFUNDED
        if donation.refunded_fen == donation.amount_fen
        else DonationStatus.PARTIALLY_REFUNDED
    )
    if split.from_need and listing is not None:
        listing.raised_fen -= split.from_need
        if listing.status == ListingStatus.FUNDED and listing.raised_fen < listing.amount_fen:
            # Back on the map: the need is short again and can take gifts.
            listing.status = ListingStatus.PUBLISHED
            move_need_status(listing.need_id, NeedStatus.PUBLISHED, SYSTEM, "reopened by refund")
    return True
