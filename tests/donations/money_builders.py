"""Builders for the money tests: projects, pools, listed needs and paid gifts, made
through the real services, plus small readers of balances, ledger and outbox.

They work on whatever `db.session` is current (the harness's rolled-back
transaction, or a scratch database's real session) and commit as services do.
Gifts are paid without the payment provider: a pending donation and then
`receive_payment`, exactly what a `payment_intent.succeeded` webhook does.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from core.db import db
from core.needs.models import Need
from core.needs.services import publish_need
from core.orgs import OrgUnit, UnitKind
from core.outbox import OutboxMessage
from core.people.models import Person
from core.timeutil import local_today
from core.users import Role, User
from donations.disbursements.models import Disbursement
from donations.disbursements.services import PayoutInput
from donations.donors.models import Donor
from donations.giving.booking import default_pool, receive_payment
from donations.giving.models import Donation
from donations.ledger.models import EntryKind, JournalEntry, JournalLine
from donations.ledger.services import Leg, fund_balance_fen, need_account, pool_account, post
from donations.projects.models import NeedListing, Pool, ProjectStatus
from donations.projects.services import (
    ProjectInput,
    list_need_on_project,
    save_project,
    set_project_status,
)
from tests.factories import PASSWORD, approved_need, make_person, make_unit, make_user

_serial = itertools.count(1)

TOWN_A = "赤坎镇"
TOWN_B = "三埠街道"

# Smallest files that start the way real ones do; evidence is judged by content.
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00;"
TEXT = "这不是发票，只是一段文字。\n".encode()


# -- people, staff, projects, listings -------------------------------------------------------


@dataclass(frozen=True)
class Office:
    """An office in a town with two officers (need author and second reviewer)."""

    unit_id: int
    town: str
    author_id: int
    reviewer_id: int


def make_office(town: str = TOWN_A) -> Office:
    unit = make_unit(town=town)
    author = make_user(Role.OFFICER, unit)
    reviewer = make_user(Role.OFFICER, unit)
    return Office(unit.id, town, author.id, reviewer.id)


def make_staff(role: Role) -> User:
    """A staff user; officers and social workers get an office of their own."""
    scoped = role in (Role.OFFICER, Role.SOCIAL_WORKER)
    return make_user(role, make_unit() if scoped else None)


COUNTY_BUREAU = "bureau-county"


def make_county_staff(role: Role = Role.SOCIAL_WORKER) -> User:
    """A proposer whose scope (a bureau) covers every office the test has made: an
    allocation may only be proposed by someone who sees all of a project's needs."""
    bureau = db.session.scalar(select(OrgUnit).where(OrgUnit.code == COUNTY_BUREAU))
    if bureau is None:
        bureau = OrgUnit(kind=UnitKind.BUREAU, name="开平市司法局", code=COUNTY_BUREAU)
        db.session.add(bureau)
        db.session.flush()
    db.session.execute(
        update(OrgUnit)
        .where(OrgUnit.kind == UnitKind.OFFICE, OrgUnit.parent_id.is_(None))
        .values(parent_id=bureau.id)
    )
    db.session.commit()
    return make_user(role, bureau)


def user(user_id: int) -> User:
    return db.session.get_one(User, user_id)


def make_person_in(office: Office, **overrides: Any) -> int:
    unit = db.session.get_one(OrgUnit, office.unit_id)
    return make_person(user(office.author_id), unit, **overrides).id


def make_money_project(admin: User) -> str:
    """An active project made through the project services, with its default pool."""
    n = next(_serial)
    today = local_today()
    project = save_project(
        admin,
        ProjectInput(
            title=f"社区矫正帮扶项目 {n}",
            summary="测试项目",
            charity_name="开平市慈善会",
            fundraising_reg_no=f"53440783MJ{n:08d}",
            lat=22.37,
            lng=112.68,
            goal_fen=10_000_000,
            starts_on=today - timedelta(days=30),
            ends_on=today + timedelta(days=300),
        ),
    )
    project_id = project.id
    # ProjectInput has no prefix field; a prefix of its own numbers this project's
    # certificates apart from every other project's (they start as "KP").
    project.certificate_prefix = uuid.uuid4().hex[:8].upper()
    db.session.commit()
    set_project_status(admin, project_id, ProjectStatus.ACTIVE)
    return project_id


def list_need(
    office: Office,
    project_id: str,
    admin: User,
    amount_fen: int,
    *,
    person_id: int | None = None,
    category: str = "medical",
    urgency: int = 3,
    hardship: int = 3,
) -> str:
    """A need written, reviewed by a second officer, published, and listed; returns the listing id."""
    author, reviewer = user(office.author_id), user(office.reviewer_id)
    person = db.session.get_one(Person, person_id or make_person_in(office))
    need = approved_need(
        author,
        reviewer,
        person,
        amount_fen=amount_fen,
        category=category,
        urgency=urgency,
        hardship=hardship,
    )
    publish_need(author, need.id)
    return list_need_on_project(admin, need.id, project_id).id


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


# -- money in --------------------------------------------------------------------------------


def make_donor() -> str:
    donor = Donor(openid=f"openid-{uuid.uuid4().hex}", display_name="热心市民")
    db.session.add(donor)
    db.session.commit()
    return donor.id


def give(
    project_id: str,
    amount_fen: int,
    *,
    listing_id: str | None = None,
    donor_id: str | None = None,
    if_need_closes: str = "pool",
) -> str:
    """A gift paid as the provider's succeeded webhook records it; returns the donation id."""
    intent = f"pi_test_{uuid.uuid4().hex[:20]}"
    donation = Donation(
        project_id=project_id,
        listing_id=listing_id,
        donor_id=donor_id,
        amount_fen=amount_fen,
        if_need_closes=if_need_closes,
        payment_intent_id=intent,
        local_day=local_today(),
    )
    db.session.add(donation)
    db.session.flush()
    assert receive_payment(donation, f"pi:{intent}:succeeded")
    db.session.commit()
    return donation.id


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


# -- reading back ----------------------------------------------------------------------------


def fresh(model: type[Any], key: object) -> Any:
    """The row as the database has it now, not as this session remembers it."""
    row = db.session.scalar(
        select(model).where(model.id == key).execution_options(populate_existing=True)
    )
    assert row is not None, f"no {model.__name__} {key}"
    return row


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


def all_entries() -> list[JournalEntry]:
    return list(db.session.scalars(select(JournalEntry).order_by(JournalEntry.id)))


def outbox(kind: str) -> dict[str, str]:
    """donation id -> donor id of the queued messages of one kind."""
    return {
        message.data["donation_id"]: message.recipient
        for message in db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind))
    }


def disbursement_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Disbursement)) or 0


def files_in(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file()) if directory.exists() else []


# -- payouts and pages -------------------------------------------------------------------------


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


def login(client: FlaskClient, username: str) -> None:
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert client.get("/lang/en").status_code == 302
