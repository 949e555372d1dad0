"""Factories of the jobs and bases wing: partners, bases, linked partner and base-contact
accounts. Built on the ground floor's factories (tests/factories.py), through the real
services where the wing has them, on whatever `db.session` is current."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, time, timedelta

from core.db import db
from core.people.models import Person
from core.staff import create_user
from core.timeutil import local_today
from core.users import Role, User
from jobs_bases.bases.hours import SessionInput, log_session
from jobs_bases.bases.models import Base, BaseKind, BaseSession, Placement
from jobs_bases.bases.placements import PlacementInput, place_person
from jobs_bases.bases.services import BaseInput, save_base
from jobs_bases.consent.models import SharedField
from jobs_bases.jobs.employers import EmployerInput, OpeningInput, save_employer, save_opening
from jobs_bases.jobs.models import Employer, Opening, Referral
from jobs_bases.jobs.referrals import ReferralInput, refer_person
from jobs_bases.partners.models import PartnerKind, TrainingPartner
from jobs_bases.partners.services import (
    PartnerInput,
    link_new_account_to_base,
    link_new_account_to_partner,
    save_partner,
)
from tests.factories import PASSWORD, TOWN_A, make_admin, make_person, make_unit, make_user

_serial = itertools.count(1)


def make_partner(name: str | None = None) -> TrainingPartner:
    n = next(_serial)
    return save_partner(
        make_admin(), None, PartnerInput(name or f"培训学校{n}", PartnerKind.SCHOOL, "周老师")
    )


ACTIVITIES = ["环境清洁", "敬老服务"]


def make_base_row(
    *, town: str = TOWN_A, capacity: int = 5, kind: str = BaseKind.WELFARE, name: str | None = None
) -> Base:
    """A base made through the bases service (by a fresh admin)."""
    n = next(_serial)
    return save_base(
        make_admin(),
        None,
        BaseInput(
            name=name or f"公益基地{n}",
            kind=kind,
            town=town,
            capacity=capacity,
            address="幸福路1号",
            organisation="开平市义工联",
            contact_name="李主任",
            contact_phone="0750-2200000",
            activities=ACTIVITIES,
        ),
    )


make_base = make_base_row


def place(
    officer: User,
    person: Person,
    base: Base,
    *,
    starts_on: date | None = None,
    ends_on: date | None = None,
    shares: tuple[SharedField, ...] = (),
    note: str = "",
) -> Placement:
    today = local_today()
    return place_person(
        officer,
        PlacementInput(
            person_id=person.id,
            base_id=base.id,
            starts_on=starts_on or today - timedelta(days=60),
            ends_on=ends_on or today + timedelta(days=60),
            note=note,
            shares=shares,
        ),
    )


def log(
    actor: User,
    placement: Placement,
    on_date: date | None = None,
    start: str = "09:00",
    end: str = "11:30",
    activity: str = "环境清洁",
) -> BaseSession:
    return log_session(
        actor,
        placement.id,
        SessionInput(
            on_date=on_date or local_today() - timedelta(days=1),
            start_time=time.fromisoformat(start),
            end_time=time.fromisoformat(end),
            activity=activity,
        ),
    )


@dataclass(frozen=True)
class Scene:
    """An office with an officer and a person, a base with its contact, and a placement."""

    office_id: int
    officer_id: int
    person_id: int
    base_id: int
    contact_id: int
    placement_id: int

    @property
    def officer(self) -> User:
        return db.session.get_one(User, self.officer_id)

    @property
    def contact(self) -> User:
        return db.session.get_one(User, self.contact_id)

    @property
    def placement(self) -> Placement:
        return db.session.get_one(Placement, self.placement_id)

    @property
    def person(self) -> Person:
        return db.session.get_one(Person, self.person_id)


def make_scene(*, shares: tuple[SharedField, ...] = (), minor: bool = False) -> Scene:
    office = make_unit()
    officer = make_user(Role.OFFICER, office, juvenile=minor)
    person = make_person(officer, office, minor=minor)
    base = make_base_row()
    contact = make_base_contact(base)
    placement = place(officer, person, base, shares=shares)
    return Scene(office.id, officer.id, person.id, base.id, contact.id, placement.id)


def make_employer(town: str = TOWN_A) -> Employer:
    n = next(_serial)
    return save_employer(
        make_admin(), None, EmployerInput(f"开平某公司{n}", town, contact_name="王经理")
    )


def make_opening(*, seats: int = 2, base_id: int | None = None) -> Opening:
    employer = make_employer()
    return save_opening(
        make_admin(),
        None,
        OpeningInput(
            employer_id=employer.id,
            title="仓库管理员",
            seats=seats,
            wage_min_fen=300_000,
            wage_max_fen=450_000,
            town=TOWN_A,
            requirements="初中以上",
            base_id=base_id,
        ),
    )


def refer(
    officer: User, person: Person, opening: Opening, shares: tuple[SharedField, ...] = ()
) -> Referral:
    return refer_person(
        officer, ReferralInput(person_id=person.id, opening_id=opening.id, shares=shares)
    )


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
