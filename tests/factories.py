"""Factories: build the org structure, staff and people through the real services."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

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
_serial = itertools.count(1)


def make_unit(
    kind: str = UnitKind.OFFICE, town: str | None = "赤坎镇", parent: OrgUnit | None = None
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
    birth = start - timedelta(days=16 * 365) if minor else date(1985, 3, 14)
    data = people.PersonInput(
        name=name,
        id_number=make_id_number("440783", birth, (n * 2 + 1) % 1000),
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
    return people.register_person(actor, data)


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
