"""Registering an ID number already on record: one answer wherever it is held, audited
with the existing record's id, throttled per user."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from sqlalchemy import select

from core.audit import AuditEvent
from core.db import db
from core.errors import Conflict, PermissionDenied
from core.people import services as people
from core.people.duplicates import DUPLICATE_ID, TOO_MANY_DUPLICATES
from core.people.models import Person
from core.users import Role
from tests.factories import make_person, make_unit, make_user

pytestmark = pytest.mark.usefixtures("ctx")


def _copy_of(person: Person, office_id: int) -> people.PersonInput:
    return people.PersonInput(
        name="另一个人",
        id_number=person.id_number or "",
        office_id=office_id,
        kind="correction",
        sex="male",
        birth_date=person.birth_date,
        correction_type="probation",
        term_start=person.term_start,
    )


def _events(action: str) -> Sequence[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


@pytest.mark.parametrize("where", ["same_office", "other_office", "minor_elsewhere"])
def test_a_known_id_number_gets_one_answer_naming_no_office(where):
    home, elsewhere = make_unit(), make_unit()
    officer = make_user(Role.OFFICER, home)
    holder_office = home if where == "same_office" else elsewhere
    holder = make_user(Role.OFFICER, holder_office, juvenile=True)
    existing = make_person(holder, holder_office, minor=where == "minor_elsewhere")

    with pytest.raises(Conflict) as refused:
        people.register_person(officer, _copy_of(existing, home.id), ip="10.0.0.1")

    assert refused.value.message == DUPLICATE_ID
    assert holder_office.name not in refused.value.message
    db.session.rollback()
    [event] = _events("person.duplicate_refused")
    assert (event.actor_id, event.object_id) == (officer.id, str(existing.id))


def test_probing_is_throttled_per_user(app):
    office = make_unit()
    officer, other = make_user(Role.OFFICER, office), make_user(Role.OFFICER, office)
    existing = make_person(other, office)
    app.config["DUPLICATE_ID_LIMIT_PER_HOUR"] = 3
    for _ in range(3):
        with pytest.raises(Conflict):
            people.register_person(officer, _copy_of(existing, office.id))
        db.session.rollback()

    with pytest.raises(PermissionDenied) as throttled:
        people.register_person(officer, _copy_of(existing, office.id))
    assert throttled.value.message == TOO_MANY_DUPLICATES
    db.session.rollback()
    assert len(_events("person.duplicate_throttled")) == 1
    # Another user is not held back by this one's refusals.
    with pytest.raises(Conflict):
        people.register_person(other, _copy_of(existing, office.id))
