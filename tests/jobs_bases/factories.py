"""Factories of the jobs and bases wing: partners, bases, linked partner and base-contact
accounts. Built on the ground floor's factories (tests/factories.py), through the real
services where the wing has them, on whatever `db.session` is current."""

from __future__ import annotations

import itertools

from core.db import db
from core.staff import create_user
from core.users import Role, User
from jobs_bases.bases.models import Base, BaseKind
from jobs_bases.partners.models import PartnerKind, TrainingPartner
from jobs_bases.partners.services import (
    PartnerInput,
    link_new_account_to_base,
    link_new_account_to_partner,
    save_partner,
)
from tests.factories import PASSWORD, TOWN_A, make_admin

_serial = itertools.count(1)


def make_partner(name: str | None = None) -> TrainingPartner:
    n = next(_serial)
    return save_partner(
        make_admin(), None, PartnerInput(name or f"培训学校{n}", PartnerKind.SCHOOL, "周老师")
    )


def make_base_row(
    *, town: str = TOWN_A, capacity: int = 5, kind: str = BaseKind.WELFARE, name: str | None = None
) -> Base:
    n = next(_serial)
    base = Base(
        name=name or f"公益基地{n}",
        kind=kind,
        town=town,
        address="幸福路1号",
        organisation="开平市义工联",
        contact_name="李主任",
        contact_phone="0750-2200000",
        capacity=capacity,
        activities=["环境清洁", "敬老服务"],
    )
    db.session.add(base)
    db.session.commit()
    return base


def make_partner_user(partner: TrainingPartner | None = None) -> User:
    """A training-partner account linked to `partner` (a new one by default)."""
    partner = partner or make_partner()
    n = next(_serial)
    return create_user(
        None,
        f"partner-{n}",
        f"partner {n}",
        PASSWORD,
        Role.TRAINING_PARTNER,
        link=lambda user: link_new_account_to_partner(user, str(partner.id)),
    )


def make_base_contact(base: Base) -> User:
    n = next(_serial)
    return create_user(
        None,
        f"base-contact-{n}",
        f"base contact {n}",
        PASSWORD,
        Role.BASE_CONTACT,
        link=lambda user: link_new_account_to_base(user, str(base.id)),
    )
