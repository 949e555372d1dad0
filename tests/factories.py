"""Factories of the ground floor: offices, staff, people and needs, made through the real
services, plus the readers every wing's tests use. Each wing's factories build on these
(tests/donations/factories.py).

They work on whatever `db.session` is current (the harness's rolled-back transaction,
or a scratch database's real session) and commit as services do. Builders that other
requests follow answer ids, not objects: each request of the test client ends its app
context, which closes the session and detaches what was loaded before it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select, update

from core.audit import AuditEvent
from core.audit_actions import AuditAction
from core.db import db
from core.idcard import make_id_number
from core.needs import services as needs
from core.needs.models import Need
from core.orgs import OrgUnit, UnitKind
from core.people import services as people
from core.people.models import Person
from core.staff import create_user
from core.timeutil import local_today
from core.users import Role, User

PASSWORD = "correct-horse-battery"
TOWN_A = "赤坎镇"
TOWN_B = "三埠街道"
_serial = itertools.count(1)


# -- who the factories registered (the donor-facing scan looks for them) ----------------------


@dataclass
class People:
    names: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    id_numbers: set[str] = field(default_factory=set)

    def remember(self, person: Person) -> None:
        self.names.add(str(person.name))
        if person.phone:
            self.phones.add(str(person.phone))
        self.id_numbers.add(str(person.id_number))


PEOPLE = People()


# -- offices and staff -------------------------------------------------------------------------


def make_unit(
    kind: str = UnitKind.OFFICE, town: str | None = TOWN_A, parent: OrgUnit | None = None
) -> OrgUnit:
    n = next(_serial)
    unit = OrgUnit(
        kind=kind,
        name=f"{town or 'unit'}{n}",
        code=f"{kind}-{n}",
        town=town,
        parent_id=parent.id if parent else None,
    )
    db.session.add(unit)
    db.session.commit()
    return unit


def make_user(role: Role, scope: OrgUnit | None = None, juvenile: bool = False) -> User:
    n = next(_serial)
    return create_user(
        None,
        f"{role.value.replace('_', '-')}-{n}",
        f"{role.value} {n}",
        PASSWORD,
        role,
        scope.id if scope else None,
        juvenile,
    )


def make_admin() -> User:
    return make_user(Role.ADMIN)


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


@dataclass(frozen=True)
class Office:
    """An office in a town with two officers: one writes needs, the other reviews them."""

    unit_id: int
    town: str
    author_id: int
    reviewer_id: int

    @property
    def unit(self) -> OrgUnit:
        return db.session.get_one(OrgUnit, self.unit_id)

    @property
    def author(self) -> User:
        return user(self.author_id)

    @property
    def reviewer(self) -> User:
        return user(self.reviewer_id)


def make_office(town: str = TOWN_A) -> Office:
    unit = make_unit(town=town)
    author = make_user(Role.OFFICER, unit)
    reviewer = make_user(Role.OFFICER, unit)
    return Office(unit.id, town, author.id, reviewer.id)


# -- people ------------------------------------------------------------------------------------


def make_person(
    actor: User,
    office: OrgUnit,
    *,
    name: str = "张三明",
    minor: bool = False,
    consent_publication: bool = True,
    phone: str = "13812345678",
    **overrides: object,
) -> Person:
    n = next(_serial)
    today = local_today()
    start = today - timedelta(days=100)
    # An odd sequence number (a man's), 500 of them per birth date; after that the birth
    # date moves a day earlier, within the same year and age band, so no two people of a
    # run share a number (the live stacks' databases keep everyone the session registers).
    earlier = timedelta(days=(n // 500) % 70)
    birth = start - timedelta(days=16 * 365) - earlier if minor else date(1985, 3, 14) - earlier
    data = people.PersonInput(
        name=name,
        id_number=make_id_number("440783", birth, (n % 500) * 2 + 1),
        office_id=office.id,
        kind="correction",
        sex="male",
        birth_date=birth,
        phone=phone,
        address="开平市赤坎镇幸福路1号",
        correction_type="probation",
        term_start=start,
        term_end=start + timedelta(days=730),
        consent_publication=consent_publication,
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    person = people.register_person(actor, data)
    PEOPLE.remember(person)
    return person


def make_person_in(office: Office, **overrides: Any) -> int:
    """A person registered by the office's author; their id."""
    return make_person(office.author, office.unit, **overrides).id


def rewrite_person(actor: User, person: Person, **changes: Any) -> Person:
    """Edit a person through the people service, keeping every field not named."""
    data = people.PersonInput(
        name=str(person.name),
        id_number=str(person.id_number),
        office_id=person.office_id,
        kind=person.kind,
        sex=person.sex,
        birth_date=person.birth_date,
        phone=str(person.phone or ""),
        address=str(person.address or ""),
        correction_type=person.correction_type,
        term_start=person.term_start,
        term_end=person.term_end,
        consent_publication=person.consent_publication,
    )
    for key, value in changes.items():
        setattr(data, key, value)
    updated = people.update_person(actor, person.id, data)
    PEOPLE.remember(updated)
    return updated


# -- needs -------------------------------------------------------------------------------------


def need_input(**overrides: object) -> needs.NeedInput:
    data = needs.NeedInput(
        category="medical",
        title="医疗费用",
        amount_fen=300_000,
        deadline=local_today() + timedelta(days=60),
        urgency=3,
        hardship=3,
        story="本人手术后需康复治疗，暂时无法工作，医疗费用存在缺口。",
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    return data


def make_need(author: User, person: Person, **overrides: object) -> Need:
    return needs.create_need(author, person.id, need_input(**overrides))


def approved_need(author: User, reviewer: User, person: Person, **overrides: object) -> Need:
    need = make_need(author, person, **overrides)
    needs.submit_need(author, need.id)
    return needs.review_need(reviewer, need.id, approve=True)


def published_need(office: Office, person_id: int | None = None, **overrides: object) -> int:
    """A need written by the office's author, approved by its reviewer and published; its id.
    A person of its own unless `person_id` names one."""
    person = db.session.get_one(Person, person_id or make_person_in(office))
    need = approved_need(office.author, office.reviewer, person, **overrides)
    return needs.publish_need(office.author, need.id).id


# -- reading back ------------------------------------------------------------------------------


def fresh(model: type[Any], key: object) -> Any:
    """The row as the database has it now, not as this session remembers it."""
    row = db.session.scalar(
        select(model).where(model.id == key).execution_options(populate_existing=True)
    )
    assert row is not None, f"no {model.__name__} {key}"
    return row


def audit_events(action: AuditAction | str, object_id: object | None = None) -> list[AuditEvent]:
    """The entries of one action (about one object), oldest first."""
    query = select(AuditEvent).where(AuditEvent.action == action)
    if object_id is not None:
        query = query.where(AuditEvent.object_id == str(object_id))
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def audit_trail(object_type: str, object_id: object) -> list[tuple[str, int | None]]:
    """(action, actor id) of every entry about one object, oldest first."""
    query = select(AuditEvent.action, AuditEvent.actor_id).where(
        AuditEvent.object_type == object_type, AuditEvent.object_id == str(object_id)
    )
    return [
        (action, actor_id) for action, actor_id in db.session.execute(query.order_by(AuditEvent.id))
    ]
