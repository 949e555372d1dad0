"""Factories of the donations wing: projects, pools, listed needs, donors, gifts (pending or
paid), the provider's events about them and payouts; plus small readers of balances, the
ledger and the outbox. Built on the ground floor's factories (tests/factories.py), through
the real services, on whatever `db.session` is current, committing as services do.

A gift is paid without the payment provider: a pending donation, then `receive_payment`,
exactly what a `payment_intent.succeeded` webhook does. Tests of the webhook itself build
the provider's event (`succeeded_event`) and hand it over.
"""

from __future__ import annotations

import itertools
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from core.db import db, utcnow
from core.needs.models import Need
from core.outbox import OutboxMessage
from core.timeutil import local_today
from core.users import User
from donations.disbursements.models import Disbursement
from donations.disbursements.services import PayoutInput
from donations.donors.models import Donor
from donations.donors.services import current_notice
from donations.giving.booking import default_pool, receive_payment
from donations.giving.models import Donation, ProviderEvent
from donations.ledger.models import EntryKind, JournalEntry, JournalLine
from donations.ledger.services import Leg, fund_balance_fen, need_account, pool_account, post
from donations.projects.models import NeedListing, Pool, ProjectStatus
from donations.projects.services import (
    ProjectInput,
    list_need_on_project,
    save_project,
    set_project_status,
)
from tests.factories import Office, fresh, make_admin, published_need

KAIPING = (22.376, 112.698)
_serial = itertools.count(1)

# Smallest files that start the way real ones do; evidence is judged by content.
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00;"
TEXT = "这不是发票，只是一段文字。\n".encode()


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:20]}"


# -- projects, pools, listings -------------------------------------------------------------------


def make_project(admin: User | None = None, **fields: Any) -> str:
    """An active project open today, with its default pool; its id. `fields` override the
    project's (title, lat, lng, starts_on, min_fen, max_fen, daily_max_fen, ...)."""
    admin = admin or make_admin()
    today = local_today()
    data: dict[str, Any] = {
        "title": f"社区矫正和安置帮教公益帮扶项目 {next(_serial)}",
        "summary": "帮助社区矫正对象和刑满释放人员渡过难关。",
        "charity_name": "开平市慈善会",
        "fundraising_reg_no": "53440783MJL0000001",
        "lat": KAIPING[0],
        "lng": KAIPING[1],
        "goal_fen": 10_000_000,
        "starts_on": today - timedelta(days=30),
        "ends_on": today + timedelta(days=300),
    }
    data.update(fields)
    project_id = save_project(admin, ProjectInput(**data)).id
    return set_project_status(admin, project_id, ProjectStatus.ACTIVE).id


def add_pool(
    project_id: str,
    name: str,
    *,
    categories: list[str] | None = None,
    towns: list[str] | None = None,
) -> int:
    pool = Pool(project_id=project_id, name=name, categories=categories, towns=towns)
    db.session.add(pool)
    db.session.commit()
    return pool.id


def list_need(
    office: Office,
    project_id: str,
    amount_fen: int,
    *,
    lister: User | None = None,
    person_id: int | None = None,
    **need: Any,
) -> str:
    """A need written and reviewed in the office, published, and listed on the project by an
    admin; the listing's id. `need` overrides the need's fields (category, urgency, ...)."""
    need_id = published_need(office, person_id, amount_fen=amount_fen, **need)
    return list_need_on_project(lister or make_admin(), need_id, project_id).id


# -- donors and gifts ------------------------------------------------------------------------------


def make_donor() -> str:
    """A donor who accepted the privacy notice in force, as every donor who gives has."""
    donor = Donor(
        openid=unique("openid-"),
        display_name="热心市民",
        privacy_version=current_notice().version,
        privacy_accepted_at=utcnow(),
    )
    db.session.add(donor)
    db.session.commit()
    return donor.id


@dataclass(frozen=True)
class DonationRef:
    id: str
    intent_id: str
    project_id: str
    amount_fen: int
    listing_id: str | None = None
    currency: str = "cny"
    client_secret: str = ""


def make_donation(
    project_id: str,
    amount_fen: int,
    *,
    listing_id: str | None = None,
    donor_id: str | None = None,
    intent_id: str | None = None,
    currency: str = "cny",
    if_need_closes: str = "pool",
) -> DonationRef:
    """A pending donation as start_donation leaves it, with a made-up payment intent id."""
    donation = Donation(
        donor_id=donor_id,
        project_id=project_id,
        listing_id=listing_id,
        amount_fen=amount_fen,
        currency=currency,
        if_need_closes=if_need_closes,
        payment_intent_id=intent_id or unique("pi_test_"),
        client_secret=unique("pi_secret_"),
        local_day=local_today(),
    )
    db.session.add(donation)
    db.session.commit()
    assert donation.payment_intent_id is not None
    return DonationRef(
        donation.id, donation.payment_intent_id, project_id, amount_fen, listing_id, currency
    )


def give(project_id: str, amount_fen: int, **donation: Any) -> str:
    """A gift paid as the provider's succeeded webhook records it; the donation's id."""
    ref = make_donation(project_id, amount_fen, **donation)
    assert receive_payment(db.session.get_one(Donation, ref.id), f"pi:{ref.intent_id}:succeeded")
    db.session.commit()
    return ref.id


def fill_pool(pool_id: int, amount_fen: int) -> None:
    """Money into a restricted pool: a gift to the project, moved to the pool it was meant
    for. (No donor-facing flow routes gifts to restricted pools yet.)"""
    pool = db.session.get_one(Pool, pool_id)
    give(pool.project_id, amount_fen)
    post(
        EntryKind.REDIRECT,
        f"test:restricted-gift:{uuid.uuid4().hex}",
        [
            Leg(pool_account(default_pool(pool.project_id)), amount_fen),
            Leg(pool_account(pool), -amount_fen),
        ],
        memo="restricted gift",
    )
    db.session.commit()


# -- the provider's events, as the provider sends them ---------------------------------------


def intent_event(
    event_type: str,
    intent_id: str,
    amount_fen: int,
    *,
    donation_id: str | None = None,
    currency: str = "cny",
    event_id: str | None = None,
    created: int | None = None,
) -> dict[str, Any]:
    status = {
        "payment_intent.succeeded": "succeeded",
        "payment_intent.payment_failed": "requires_payment_method",
        "payment_intent.canceled": "canceled",
        "payment_intent.created": "requires_payment_method",
    }[event_type]
    intent = {
        "id": intent_id,
        "object": "payment_intent",
        "amount": amount_fen,
        "amount_received": amount_fen if status == "succeeded" else 0,
        "currency": currency,
        "status": status,
        "metadata": {"donation_id": donation_id} if donation_id else {},
    }
    return _event(event_type, intent, event_id, created)


def refund_event(
    event_type: str,
    refund_id: str,
    intent_id: str,
    amount_fen: int,
    *,
    status: str = "succeeded",
    currency: str = "cny",
    event_id: str | None = None,
    created: int | None = None,
) -> dict[str, Any]:
    refund = {
        "id": refund_id,
        "object": "refund",
        "amount": amount_fen,
        "currency": currency,
        "payment_intent": intent_id,
        "status": status,
        "metadata": {},
    }
    return _event(event_type, refund, event_id, created)


def _event(
    event_type: str, obj: dict[str, Any], event_id: str | None, created: int | None
) -> dict[str, Any]:
    return {
        "id": event_id or unique("evt_"),
        "object": "event",
        "type": event_type,
        "created": created if created is not None else int(time.time()),
        "data": {"object": obj},
    }


def donation_event(event_type: str, donation: DonationRef, **overrides: Any) -> dict[str, Any]:
    """An event about the donation's payment intent, as the provider would send it."""
    return intent_event(
        event_type,
        donation.intent_id,
        overrides.pop("amount_fen", donation.amount_fen),
        donation_id=donation.id,
        currency=overrides.pop("currency", donation.currency),
        **overrides,
    )


def succeeded_event(donation: DonationRef, **overrides: Any) -> dict[str, Any]:
    return donation_event("payment_intent.succeeded", donation, **overrides)


# -- payouts -------------------------------------------------------------------------------------


def payout(
    listing_id: str,
    amount_fen: int,
    *,
    name: str = "receipt.pdf",
    content: bytes = PDF,
    method: str = "bank_transfer",
) -> PayoutInput:
    return PayoutInput(
        listing_id=listing_id,
        amount_fen=amount_fen,
        method=method,
        payee="开平市中心医院",
        reference=f"REF-{next(_serial)}",
        paid_on=local_today(),
        evidence_name=name,
        evidence=content,
    )


# -- reading back --------------------------------------------------------------------------------


def pool_balance(pool_id: int) -> int:
    return fund_balance_fen(pool_account(db.session.get_one(Pool, pool_id)))


def default_pool_id(project_id: str) -> int:
    return default_pool(project_id).id


def need_balance(listing_id: str) -> int:
    return fund_balance_fen(need_account(fresh(NeedListing, listing_id)))


def need_status(listing_id: str) -> str:
    listing = fresh(NeedListing, listing_id)
    return str(fresh(Need, listing.need_id).status)


def ledger_size() -> tuple[int, int]:
    """(entries, lines): equal before and after means nothing was posted."""
    return (
        db.session.scalar(select(func.count()).select_from(JournalEntry)) or 0,
        db.session.scalar(select(func.count()).select_from(JournalLine)) or 0,
    )


def entries_of_kind(kind: EntryKind) -> list[JournalEntry]:
    return list(
        db.session.scalars(
            select(JournalEntry).where(JournalEntry.kind == kind).order_by(JournalEntry.id)
        )
    )


def entries_of(donation_id: str) -> int:
    query = select(func.count()).select_from(JournalEntry)
    return db.session.scalar(query.where(JournalEntry.donation_id == donation_id)) or 0


def provider_events_about(object_id: str) -> list[ProviderEvent]:
    return list(
        db.session.scalars(select(ProviderEvent).where(ProviderEvent.object_id == object_id))
    )


def outbox(kind: str) -> dict[str, str]:
    """donation id -> donor id of the queued messages of one kind."""
    return {
        message.data["donation_id"]: message.recipient
        for message in db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind))
    }


def all_entries() -> list[JournalEntry]:
    return list(db.session.scalars(select(JournalEntry).order_by(JournalEntry.id)))


def disbursement_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Disbursement)) or 0


def files_in(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file()) if directory.exists() else []
