"""Builders of the volunteers wing, through its real services (as tests/factories.py)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from core.db import utcnow
from core.users import Role, User
from tests.factories import make_staff
from volunteers.accounts.models import Volunteer
from volunteers.accounts.registration import Registration, register_volunteer
from volunteers.programmes.models import Shift
from volunteers.vetting import services as vetting
from volunteers.vetting.services import Outcome, Step

VOLUNTEER_PASSWORD = "kind-river-stones-42"
CONDUCT = "2025-01"
_serial = itertools.count(1)


def registration(**overrides: Any) -> Registration:
    n = next(_serial)
    values: dict[str, Any] = {
        "username": f"vol{n}",
        "display_name": f"志愿者{n}",
        "password": VOLUNTEER_PASSWORD,
        "conduct_version": CONDUCT,
        "conduct_agreed": True,
        "email": f"vol{n}@example.org",
        "phone": f"199{n:08d}",
        "languages": ["粤语", "普通话"],
        "towns": ["赤坎镇"],
        "availability": ["sat-morning"],
    }
    values.update(overrides)
    return Registration(**values)


def make_volunteer(**overrides: Any) -> Volunteer:
    return register_volunteer(registration(**overrides), CONDUCT, "127.0.0.1")


def make_coordinator() -> User:
    return make_staff(Role.COORDINATOR)


def approve(volunteer_id: int, coordinator: User | None = None) -> None:
    coordinator = coordinator or make_coordinator()
    vetting.record_step(coordinator, volunteer_id, Step.DOCUMENTS, "身份证、无犯罪记录证明")
    vetting.record_step(coordinator, volunteer_id, Step.INTERVIEW, "面谈：动机明确")
    vetting.record_step(coordinator, volunteer_id, Step.PLEDGE, "", pledge_version="2025-01")
    vetting.decide(coordinator, volunteer_id, Outcome.APPROVE, "材料齐全")


def make_approved_volunteer(**overrides: Any) -> Volunteer:
    volunteer = make_volunteer(**overrides)
    approve(volunteer.id)
    return volunteer


def volunteer_login(
    client: FlaskClient, login: str, password: str = VOLUNTEER_PASSWORD
) -> TestResponse:
    """Log in through the volunteer form; fails the test unless it lets the volunteer in."""
    response = client.post("/v/login", data={"login": login, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.location == "/v/"
    return response


# -- programmes, activities, shifts ------------------------------------------------------------


def make_programme(coordinator: User, name: str | None = None) -> int:
    from volunteers.programmes.catalogue import ProgrammeInput, save_programme

    programme = save_programme(coordinator, ProgrammeInput(name=name or f"项目{next(_serial)}"))
    return programme.id


def make_activity(coordinator: User, programme_id: int, *, needs_vetting: bool = True) -> int:
    from volunteers.programmes.catalogue import ActivityInput, save_activity

    activity = save_activity(
        coordinator,
        ActivityInput(title=f"活动{next(_serial)}", needs_vetting=needs_vetting),
        programme_id=programme_id,
    )
    return activity.id


def make_shift(
    coordinator: User,
    activity_id: int,
    *,
    starts_in: timedelta = timedelta(days=3),
    length: timedelta = timedelta(hours=3),
    capacity: int = 5,
) -> Shift:
    from volunteers.programmes.catalogue import ShiftInput, add_shift

    start = utcnow() + starts_in
    return add_shift(
        coordinator,
        activity_id,
        ShiftInput(
            starts_at=start,
            ends_at=start + length,
            place="开平市司法局三楼",
            capacity=capacity,
            town="三埠街道",
        ),
    )


@dataclass
class Setting:
    """A coordinator running one programme with one activity (vetted by default)."""

    coordinator: User
    programme_id: int
    activity_id: int

    def shift(self, **kw: Any) -> Shift:
        return make_shift(self.coordinator, self.activity_id, **kw)


def make_setting(*, needs_vetting: bool = True) -> Setting:
    coordinator = make_coordinator()
    programme_id = make_programme(coordinator)
    return Setting(
        coordinator,
        programme_id,
        make_activity(coordinator, programme_id, needs_vetting=needs_vetting),
    )
