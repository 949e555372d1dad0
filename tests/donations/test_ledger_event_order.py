"""Property: however the provider's events arrive (any order, any duplicates), the ledger,
the donations and the needs end where applying each event once, in order, leaves them.

Each example builds two identical worlds (project, listings, donations) with their
own ids: one gets the events once in the order they happened, the other a random
permutation with random repeats. Designated gifts fit their needs, so where a
gift's money goes does not depend on which gift was paid first.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.db import db
from donations.giving.events import apply_event
from donations.giving.models import Donation, Refund
from donations.ledger.check import check_ledger
from donations.ledger.models import Account, JournalEntry, JournalLine
from donations.ledger.services import CLEARING
from donations.projects.models import NeedListing, Pool
from tests.donations.factories import (
    DonationRef,
    donation_event,
    list_need,
    make_donation,
    make_project,
    need_status,
    refund_event,
)
from tests.factories import Office, fresh, make_admin, make_office, make_person_in

PAID = ("paid", "failed_then_paid")
HISTORIES = (*PAID, "paid", "failed", "canceled", "failed_then_canceled", "pending")


@dataclass(frozen=True)
class RefundSpec:
    amount_fen: int
    first_status: str  # the status refund.created reports
    updated: bool  # a refund.updated (succeeded) follows


@dataclass(frozen=True)
class GiftSpec:
    amount_fen: int
    listing: int | None
    history: str
    refunds: tuple[RefundSpec, ...]


@dataclass(frozen=True)
class Scenario:
    slack_fen: tuple[int, ...]  # per listing: its amount beyond the gifts designated to it
    gifts: tuple[GiftSpec, ...]


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    listings = draw(st.integers(0, 2))
    gifts = []
    for _ in range(draw(st.integers(1, 5))):
        amount = draw(st.integers(100, 50_000))
        listing = draw(st.none() | st.integers(0, listings - 1)) if listings else None
        history = draw(st.sampled_from(HISTORIES))
        refunds: list[RefundSpec] = []
        left = amount
        if history in PAID:
            for _ in range(draw(st.integers(0, 2))):
                if left == 0:
                    break
                part = draw(st.sampled_from([left, 1, max(1, left // 3)]))
                left -= part
                refunds.append(
                    RefundSpec(
                        part, draw(st.sampled_from(["pending", "succeeded"])), draw(st.booleans())
                    )
                )
        gifts.append(GiftSpec(amount, listing, history, tuple(refunds)))
    slack = tuple(draw(st.sampled_from([0, 1, 2_500])) for _ in range(listings))
    return Scenario(slack, tuple(gifts))


@dataclass(frozen=True)
class World:
    project_id: str
    listings: tuple[str, ...]
    donations: tuple[DonationRef, ...]
    refund_ids: tuple[tuple[str, ...], ...]


def build_world(scenario: Scenario, office: Office) -> World:
    admin = make_admin()
    project_id = make_project(admin)
    person_id = make_person_in(office)
    listings = tuple(
        list_need(
            office,
            project_id,
            sum(g.amount_fen for g in scenario.gifts if g.listing == index) + slack or 1_000,
            lister=admin,
            person_id=person_id,
        )
        for index, slack in enumerate(scenario.slack_fen)
    )
    donations = tuple(
        make_donation(
            project_id,
            gift.amount_fen,
            listing_id=None if gift.listing is None else listings[gift.listing],
        )
        for gift in scenario.gifts
    )
    refund_ids = tuple(
        tuple(f"re_{uuid.uuid4().hex[:20]}" for _ in gift.refunds) for gift in scenario.gifts
    )
    return World(project_id, listings, donations, refund_ids)


def events_in_order(scenario: Scenario, world: World) -> list[dict[str, Any]]:
    """What the provider emitted, oldest first."""
    clock = itertools.count(1_790_000_000)
    events: list[dict[str, Any]] = []

    def intent(kind: str, donation: DonationRef) -> None:
        events.append(donation_event(f"payment_intent.{kind}", donation, created=next(clock)))

    for gift, donation, refund_ids in zip(
        scenario.gifts, world.donations, world.refund_ids, strict=True
    ):
        if gift.history.startswith("failed"):
            intent("payment_failed", donation)
        if gift.history in PAID:
            intent("succeeded", donation)
        if gift.history.endswith("canceled"):
            intent("canceled", donation)
        for refund, refund_id in zip(gift.refunds, refund_ids, strict=True):
            for event_type, status in [
                ("refund.created", refund.first_status),
                *([("refund.updated", "succeeded")] if refund.updated else []),
            ]:
                events.append(
                    refund_event(
                        event_type,
                        refund_id,
                        donation.intent_id,
                        refund.amount_fen,
                        status=status,
                        created=next(clock),
                    )
                )
    return events


def _clearing_of(donation_id: str) -> int:
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(JournalLine.amount_fen), 0))
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .join(Account, Account.id == JournalLine.account_id)
            .where(JournalEntry.donation_id == donation_id, Account.code == CLEARING)
        )
        or 0
    )


def _balance(**link: object) -> int:
    """Debit-positive balance of the account linked to a pool or a listing (0 if none)."""
    ((column, value),) = link.items()
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(JournalLine.amount_fen), 0))
            .join(Account, Account.id == JournalLine.account_id)
            .where(getattr(Account, column) == value)
        )
        or 0
    )


def snapshot(world: World) -> dict[str, Any]:
    """Everything that must not depend on the order of delivery, keyed by position."""
    pool_id = db.session.scalar(
        select(Pool.id).where(Pool.project_id == world.project_id, Pool.is_default.is_(True))
    )
    gifts = []
    for donation, refund_ids in zip(world.donations, world.refund_ids, strict=True):
        row = fresh(Donation, donation.id)
        refunds = []
        for refund_id in refund_ids:
            refund = db.session.scalar(select(Refund).where(Refund.provider_refund_id == refund_id))
            refunds.append(
                None
                if refund is None
                else (refund.status, refund.amount_fen, refund.applied_at is not None)
            )
        gifts.append(
            {
                "status": row.status,
                "refunded_fen": row.refunded_fen,
                "to_need_fen": row.to_need_fen,
                "to_pool_fen": row.to_pool_fen,
                "redirected_to_pool": row.redirected_to_pool,
                "paid": row.paid_at is not None,
                "clearing_fen": _clearing_of(donation.id),
                "refunds": refunds,
            }
        )
    listings = []
    for listing_id in world.listings:
        listing = fresh(NeedListing, listing_id)
        listings.append(
            {
                "raised_fen": listing.raised_fen,
                "status": listing.status,
                "need_status": need_status(listing_id),
                "balance_fen": _balance(listing_id=listing_id),
            }
        )
    return {"pool_fen": _balance(pool_id=pool_id), "gifts": gifts, "listings": listings}


@pytest.fixture()
def office(ctx: object) -> Office:
    return make_office()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios(), data=st.data())
def test_any_delivery_order_and_duplication_ends_in_the_same_books(office, scenario, data):
    canonical = build_world(scenario, office)
    shuffled = build_world(scenario, office)
    in_order = events_in_order(scenario, canonical)
    events = events_in_order(scenario, shuffled)
    repeats = (
        data.draw(st.lists(st.integers(0, len(events) - 1), max_size=len(events)), "repeats")
        if events
        else []
    )
    delivery = data.draw(st.permutations([*range(len(events)), *repeats]), "delivery order")

    for event in in_order:
        apply_event(event, via="webhook")
    for index in delivery:
        apply_event(events[index], via="webhook")

    assert snapshot(shuffled) == snapshot(canonical)
    report = check_ledger()
    assert report.ok, report.problems
    for listing_id in canonical.listings:
        listing = fresh(NeedListing, listing_id)
        assert listing.raised_fen <= listing.amount_fen
