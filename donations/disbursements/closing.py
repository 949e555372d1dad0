"""When a need closes unfunded (its deadline passed, or staff cancelled it), designated
money follows each donor's recorded choice (docs/money.md): the person's other open
need with the highest priority ("same_person"), else the project pool. Pool money
allocated to it goes back to its pools. Every move is a ledger entry, and each
donor is told.
"""

from __future__ import annotations

from sqlalchemy import func, select

from core.audit import Actor
from core.db import db
from core.needs.models import Need, NeedStatus
from core.needs.services import move_need_status, priority_of
from core.timeutil import local_today
from donations.donors.messages import queue_message
from donations.giving.booking import credit_listing, default_pool
from donations.giving.models import Donation
from donations.ledger.models import Account, EntryKind, JournalEntry, JournalLine
from donations.ledger.services import Leg, need_account, pool_account, post
from donations.projects.models import ListingStatus, NeedListing, Pool

SYSTEM = Actor.system("need-closing")


def _best_other_listing(listing: NeedListing) -> NeedListing | None:
    # Open means open for gifts: not cancelled or past its deadline while waiting for
    # this job (moving money there would move it twice, or fund a closed need), and on
    # the same project, whose fundraising the gift belongs to.
    candidates = db.session.scalars(
        select(NeedListing)
        .join(Need, Need.id == NeedListing.need_id)
        .where(
            Need.person_id == listing.need.person_id,
            NeedListing.id != listing.id,
            NeedListing.project_id == listing.project_id,
            NeedListing.status == ListingStatus.PUBLISHED,
            NeedListing.raised_fen < NeedListing.amount_fen,
            Need.status == NeedStatus.PUBLISHED,
            Need.deadline >= local_today(),
        )
        .with_for_update()
    ).all()
    if not candidates:
        return None
    return max(candidates, key=lambda c: (priority_of(c.need), -c.need.id))


def _move(
    source: NeedListing,
    target_account: Account,
    amount: int,
    key: str,
    memo: str,
    donation_id: str | None = None,
) -> None:
    # A donor's money carries the donation's id: the pool's first-in, first-out
    # attribution tells it from an allocation given back (donations/ledger/pools.py).
    post(
        EntryKind.REDIRECT,
        key,
        [Leg(need_account(source), amount), Leg(target_account, -amount)],
        memo=memo,
        donation_id=donation_id,
    )


def close_listing(listing_id: str) -> int:
    """Close one listing and move its money; returns how many fen moved. Caller commits."""
    listing = db.session.scalar(
        select(NeedListing).where(NeedListing.id == listing_id).with_for_update()
    )
    if listing is None or listing.status not in (ListingStatus.PUBLISHED, ListingStatus.FUNDED):
        return 0
    listing.status = ListingStatus.CLOSED
    moved = 0
    for donation in db.session.scalars(
        select(Donation)
        .where(Donation.listing_id == listing.id, Donation.to_need_fen > 0)
        .order_by(Donation.paid_at, Donation.id)
        .with_for_update()
    ):
        net = donation.to_need_fen - min(donation.refunded_fen, donation.to_need_fen)
        if net <= 0:
            continue
        to_other = 0
        if donation.if_need_closes == "same_person":
            other = _best_other_listing(listing)
            if other is not None:
                to_other = min(net, other.amount_fen - other.raised_fen)
                _move(
                    listing,
                    need_account(other),
                    to_other,
                    f"redirect:{listing.id}:{donation.id}:need",
                    "need closed: same person",
                    donation.id,
                )
                donation.listing_id = other.id
                donation.to_need_fen = to_other
                credit_listing(other, to_other, "funded by money from a closed need")
        to_pool = net - to_other
        if to_pool:
            _move(
                listing,
                pool_account(default_pool(donation.project_id)),
                to_pool,
                f"redirect:{listing.id}:{donation.id}:pool",
                "need closed: to the pool",
                donation.id,
            )
        donation.to_need_fen = to_other
        donation.to_pool_fen += to_pool
        donation.redirected_to_pool = donation.redirected_to_pool or to_pool > 0
        moved += net
        queue_message(donation, "need_closed")
    # Pool money allocated to this need goes back to the pools it came from.
    for pool_id, amount in _allocated_by_pool(listing).items():
        pool = db.session.get(Pool, pool_id)
        assert pool is not None
        _move(
            listing,
            pool_account(pool),
            amount,
            f"redirect:{listing.id}:pool:{pool_id}",
            "need closed: allocation returned",
        )
        moved += amount
    listing.raised_fen = 0
    return moved


def _allocated_by_pool(listing: NeedListing) -> dict[int, int]:
    need_acct = need_account(listing)
    entries = select(JournalLine.entry_id).where(JournalLine.account_id == need_acct.id)
    rows = db.session.execute(
        select(Account.pool_id, func.sum(JournalLine.amount_fen))
        .join(JournalLine, JournalLine.account_id == Account.id)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(
            JournalEntry.kind == EntryKind.ALLOCATION,
            JournalEntry.id.in_(entries),
            Account.pool_id.is_not(None),
        )
        .group_by(Account.pool_id)
    ).all()
    return {int(pool_id): int(total) for pool_id, total in rows if int(total) > 0}


def close_expired_and_cancelled() -> int:
    """The periodic job: expire needs past their deadline, close cancelled ones."""
    today = local_today()
    closed = 0
    for listing_id, need_id, need_status, deadline in db.session.execute(
        select(NeedListing.id, Need.id, Need.status, Need.deadline)
        .join(Need, Need.id == NeedListing.need_id)
        .where(NeedListing.status.in_((ListingStatus.PUBLISHED, ListingStatus.FUNDED)))
    ).all():
        expire = need_status == NeedStatus.PUBLISHED and deadline < today
        cancelled = need_status in (NeedStatus.CANCELLED, NeedStatus.EXPIRED)
        if not (expire or cancelled):
            continue
        if expire:
            move_need_status(need_id, NeedStatus.EXPIRED, SYSTEM, "deadline passed unfunded")
        close_listing(listing_id)
        db.session.commit()
        closed += 1
    return closed


__all__ = ["close_expired_and_cancelled", "close_listing", "on_need_cancelled"]


def on_need_cancelled(need: Need, **_: object) -> None:
    """Signal handler: a cancelled need's listing closes in the cancelling transaction."""
    listing_id = db.session.scalar(select(NeedListing.id).where(NeedListing.need_id == need.id))
    if listing_id is not None:
        close_listing(listing_id)
