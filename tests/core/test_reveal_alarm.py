"""A user who reveals far more identities than colleagues in a day alarms the admins."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from sqlalchemy import select

from core.audit import AuditEvent
from core.db import db
from core.people import services as people
from core.tasks.services import open_tasks_for
from core.users import Role, User
from tests.factories import make_person, make_unit, make_user

pytestmark = pytest.mark.usefixtures("ctx")


@pytest.fixture()
def setting(app):
    app.config["REVEAL_ALARM_THRESHOLD"] = 5
    app.config["REVEAL_ALARM_FACTOR"] = 3.0
    office = make_unit()
    heavy, usual = make_user(Role.OFFICER, office), make_user(Role.OFFICER, office)
    people_ids = [make_person(heavy, office).id for _ in range(3)]
    return {"heavy": heavy, "usual": usual, "people": people_ids, "admin": make_user(Role.ADMIN)}


def _reveal(user: User, person_id: int, times: int) -> None:
    for _ in range(times):
        people.reveal_field(user, person_id, "id_number", ip="10.1.1.1")


def _alarms() -> Sequence[AuditEvent]:
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "person.mass_reveal")
    ).all()


def test_far_more_reveals_than_colleagues_open_one_admin_task(setting):
    _reveal(setting["usual"], setting["people"][0], 2)
    _reveal(setting["heavy"], setting["people"][1], 5)  # 5 >= floor but < 3 x 2
    assert _alarms() == []
    _reveal(setting["heavy"], setting["people"][2], 3)  # 8 >= 3 x 2

    [alarm] = _alarms()
    assert (alarm.actor_id, alarm.detail["count"]) == (setting["heavy"].id, 6)
    tasks = [t for t in open_tasks_for(setting["admin"]) if t.kind == "mass_reveal"]
    assert len(tasks) == 1 and setting["heavy"].username in tasks[0].link
    # More reveals the same day raise nothing new.
    _reveal(setting["heavy"], setting["people"][2], 4)
    assert len(_alarms()) == 1
    assert len([t for t in open_tasks_for(setting["admin"]) if t.kind == "mass_reveal"]) == 1
    # The officer never sees the admins' task.
    assert [t for t in open_tasks_for(setting["usual"]) if t.kind == "mass_reveal"] == []


def test_a_busy_day_for_everyone_raises_nothing_below_the_floor(setting):
    _reveal(setting["heavy"], setting["people"][0], 4)
    assert _alarms() == []
