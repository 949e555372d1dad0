"""Seed the Kaiping demo through the same services staff use, so every rule applies."""

from __future__ import annotations

import random
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select

from core.db import db
from core.idcard import make_id_number
from core.needs import services as needs
from core.needs.models import NeedCategory
from core.orgs import OrgUnit, UnitKind
from core.people import services as people
from core.people.models import CorrectionType, PersonKind
from core.staff import create_user
from core.timeutil import local_today
from core.users import Role, User
from core.wings import registry
from portal.demo.data import GIVEN, LANGUAGES, REGION_CODE, SKILLS, STORIES, SURNAMES, TITLES, TOWNS

DEMO_PASSWORD = "demo-pass-2025"  # noqa: S105 - development demo only
PEOPLE_PER_OFFICE = 13
MINORS = 6
STREETS = ["幸福", "和平", "东兴", "南安"]


def _units() -> tuple[OrgUnit, list[OrgUnit]]:
    bureau = OrgUnit(kind=UnitKind.BUREAU, name="开平市司法局", code="bureau-kaiping", town=None)
    db.session.add(bureau)
    db.session.flush()
    centre = OrgUnit(
        kind=UnitKind.CENTRE, name="开平市社区矫正中心", code="centre-kaiping", parent_id=bureau.id
    )
    db.session.add(centre)
    offices = []
    for town, pinyin, _lat, _lng in TOWNS:
        short = town.removesuffix("街道").removesuffix("镇")
        office = OrgUnit(
            kind=UnitKind.OFFICE,
            name=f"{short}司法所",
            code=f"office-{pinyin}",
            town=town,
            parent_id=bureau.id,
        )
        db.session.add(office)
        offices.append(office)
    db.session.commit()
    return bureau, offices


# The demo's staff besides one officer per office (`officer-<town>`): username, name,
# role, scoped to the bureau, juvenile permission. `make run` names them when it starts.
DEMO_STAFF = (
    ("admin", "系统管理员", Role.ADMIN, False, True),
    ("auditor", "审计员", Role.AUDITOR, False, True),
    ("finance", "慈善会财务（甲）", Role.FINANCE, False, False),
    ("finance-2", "慈善会财务（乙）", Role.FINANCE, False, False),
    ("coordinator", "志愿服务协调员", Role.COORDINATOR, False, False),
    ("social-worker", "社工", Role.SOCIAL_WORKER, True, False),
    ("trainer", "人社局培训专员", Role.TRAINING_PARTNER, False, False),
    # Linked to a base by the jobs and bases wing's demo.
    ("base-contact", "基地联系人", Role.BASE_CONTACT, False, False),
)


def _staff(bureau: OrgUnit, offices: list[OrgUnit]) -> dict[str, User]:
    accounts: dict[str, User] = {}
    for username, name, role, in_bureau, juvenile in DEMO_STAFF:
        scope = bureau.id if in_bureau else None
        accounts[username] = create_user(None, username, name, DEMO_PASSWORD, role, scope, juvenile)
    for office, (_town, pinyin, _lat, _lng) in zip(offices, TOWNS, strict=True):
        username = f"officer-{pinyin}"
        accounts[username] = create_user(
            None,
            username,
            f"{office.name}专职人员",
            DEMO_PASSWORD,
            Role.OFFICER,
            office.id,
            pinyin == "sanbu",  # one office holds the juvenile permission, for the demo
        )
    return accounts


def _person_input(
    rng: random.Random, office: OrgUnit, serial: int, minor: bool
) -> people.PersonInput:
    today = local_today()
    kind = PersonKind.CORRECTION if rng.random() < 0.55 else PersonKind.RESETTLEMENT
    case_start = today - timedelta(days=rng.randint(30, 900))
    if minor:
        birth = case_start - timedelta(days=rng.randint(15 * 365, 17 * 365 + 200))
    else:
        birth = date(rng.randint(1962, 2002), rng.randint(1, 12), rng.randint(1, 28))
    sex = "male" if rng.random() < 0.82 else "female"
    # The 17th digit is odd for men, even for women (GB 11643).
    sequence = (serial * 2 + (1 if sex == "male" else 0)) % 1000
    return people.PersonInput(
        name=rng.choice(SURNAMES) + rng.choice(GIVEN),
        id_number=make_id_number(REGION_CODE, birth, sequence),
        office_id=office.id,
        kind=kind,
        sex=sex,
        birth_date=birth,
        phone=f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}",
        address=f"开平市{office.town}{rng.choice(STREETS)}路{rng.randint(1, 200)}号",
        correction_type=rng.choice(list(CorrectionType)) if kind == PersonKind.CORRECTION else None,
        term_start=case_start if kind == PersonKind.CORRECTION else None,
        term_end=case_start + timedelta(days=rng.randint(365, 1500))
        if kind == PersonKind.CORRECTION
        else None,
        release_date=case_start if kind == PersonKind.RESETTLEMENT else None,
        education=rng.choice(["primary", "junior", "senior", "vocational"]),
        employment_status=rng.choice(["unemployed", "employed", "self_employed"]),
        skills=rng.sample(SKILLS, rng.randint(0, 3)),
        languages=rng.sample(LANGUAGES, rng.randint(1, 3)),
        consent_publication=rng.random() < 0.7,
        consent_mentoring=rng.random() < 0.6,
    )


def seed_demo(force: bool = False, seed: int = 20251) -> bool:
    """Load the demo into an empty database; returns False when data is already there."""
    if not force and (db.session.scalar(select(func.count()).select_from(OrgUnit)) or 0) > 0:
        return False
    rng = random.Random(seed)
    bureau, offices = _units()
    accounts = _staff(bureau, offices)
    admin = accounts["admin"]
    reviewer = accounts["social-worker"]
    categories = list(NeedCategory)
    serial = 0
    minors_left = MINORS
    for office, (_town, pinyin, _lat, _lng) in zip(offices, TOWNS, strict=True):
        officer = accounts[f"officer-{pinyin}"]
        for _ in range(PEOPLE_PER_OFFICE + (1 if serial % 3 == 0 else 0)):
            serial += 1
            minor = minors_left > 0 and serial % 31 == 0
            minors_left -= int(minor)
            data = _person_input(rng, office, serial, minor)
            try:
                person = people.register_person(admin, data)
            except Exception:
                db.session.rollback()
                continue
            # Minors' records are open only to holders of the juvenile permission.
            author = officer if officer.may_see_minors or not person.is_minor else admin
            for _n in range(rng.choice([0, 1, 1, 2])):
                category = categories[(serial + _n) % len(categories)]
                need = needs.create_need(
                    author,
                    person.id,
                    needs.NeedInput(
                        category=category,
                        title=TITLES[category],
                        amount_fen=rng.randint(5, 200) * 10_000,
                        deadline=local_today() + timedelta(days=rng.randint(20, 150)),
                        urgency=rng.randint(1, 5),
                        hardship=rng.randint(1, 5),
                        story=rng.choice(STORIES[category]),
                    ),
                )
                stage = rng.random()
                if stage < 0.2:
                    continue
                needs.submit_need(author, need.id)
                if stage < 0.35 or person.is_minor:
                    continue
                needs.review_need(reviewer, need.id, approve=True)
                if stage < 0.45 or not person.consent_publication or person.is_minor:
                    continue
                needs.publish_need(officer, need.id)
    for seed_wing in registry(current_app).demo_seeders:
        seed_wing(admin)
    return True


def demo_usernames_present() -> list[str]:
    """The demo's fixed staff accounts this database holds (none outside the demo)."""
    wanted = [username for username, *_ in DEMO_STAFF]
    found = set(db.session.scalars(select(User.username).where(User.username.in_(wanted))))
    return [username for username in wanted if username in found]
