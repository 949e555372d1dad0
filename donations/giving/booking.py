"""What a donation's money does once paid, and what a refund takes back.

Both run inside the caller's transaction, beside the donation's status change.
The need listing row is locked, so gifts paid at the same moment cannot
together push a need past its amount: the later one's overshoot goes to the
project pool and the donation says so.
"""

from __future__ import annotations

from sqlalchemy import select

from core.audit import Actor
from core.db import db, utcnow
from core.needs.models import NeedStatus
from core.needs.services import move_need_status
from core.timeutil import local_today
from donations.donors.certificates import assign_number
from donations.donors.messages import queue_message
from donations.giving.models import Donation, DonationStatus
from donations.ledger.models import EntryKind
from donations.ledger.services import (
    AlreadyPosted,
    Leg,
    clearing_account,
    need_account,
    pool_account,
    post,
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
    assign_number(donation, donation.project)
    queue_message(donation, "donation_succeeded")
    if listing is not None and to_need:
        # The donation's own split is set above, so it is among the gifts told.
        credit_listing(listing, to_need, "fully funded")
    return True


def refund_legs(donation: Donation, amount_fen: int) -> tuple[list[Leg], int]:
    """Take a refund back from where the gift went: its need first, then the pool.

    Returns the legs and how much came out of the need (which lowers raised_fen).
    """
    need_left = donation.to_need_fen - min(donation.refunded_fen, donation.to_need_fen)
    from_need = min(amount_fen, need_left) if donation.listing_id else 0
    from_pool = amount_fen - from_need
    legs = [Leg(clearing_account(), -amount_fen)]
    if from_need:
        listing = lock_listing(donation.listing_id or "")
        assert listing is not None
        legs.append(Leg(need_account(listing), from_need))
    if from_pool:
        legs.append(Leg(pool_account(default_pool(donation.project_id)), from_pool))
    return legs, from_need


def apply_refund(donation: Donation, provider_refund_id: str, amount_fen: int) -> bool:
    """Record a succeeded refund once; the provider is the authority on whether it happened."""
    if amount_fen <= 0:
        return False
    amount_fen = min(amount_fen, donation.amount_fen - donation.refunded_fen)
    if amount_fen <= 0:
        return False
    legs, from_need = refund_legs(donation, amount_fen)
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
    donation.refunded_fen += amount_fen
    donation.status = (
        DonationStatus.REFUNDED
        if donation.refunded_fen == donation.amount_fen
        else DonationStatus.PARTIALLY_REFUNDED
    )
    if from_need and donation.listing_id:
        listing = lock_listing(donation.listing_id)
        assert listing is not None
        listing.raised_fen -= from_need
        if listing.status == ListingStatus.FUNDED and listing.raised_fen < listing.amount_fen:
            # Back on the map: the need is short again and can take gifts.
            listing.status = ListingStatus.PUBLISHED
            move_need_status(listing.need_id, NeedStatus.PUBLISHED, SYSTEM, "reopened by refund")
    return True
