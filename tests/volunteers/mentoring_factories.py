"""Builders of mentoring pairs, through the real services (as tests/factories.py)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from core.db import db
from core.timeutil import local_today
from core.users import Role, User
from tests.factories import TOWN_A, make_person, make_unit, make_user, user
from tests.volunteers.factories import make_approved_volunteer
from volunteers.accounts.models import Volunteer
from volunteers.mentoring import pairs, profiles, runs
from volunteers.mentoring.models import MentorPair, PairingRun

_serial = itertools.count(1)
NAMES = ("欧阳明华", "司马建国", "黄晓东", "梁家辉", "关振宇", "谢志远", "周伟强", "吴德明")


@dataclass(frozen=True)
class Casework:
    """An office in a town, with an officer who holds the juvenile permission."""

    unit_id: int
    town: str
    officer_id: int

    @property
    def officer(self) -> User:
        return user(self.officer_id)


def make_casework(town: str = TOWN_A) -> Casework:
    unit = make_unit(town=town)
    officer = make_user(Role.OFFICER, unit, juvenile=True)
    return Casework(unit.id, town, officer.id)


def make_mentee(
    casework: Casework,
    *,
    minor: bool = False,
    consent: bool = True,
    seeking: bool = True,
    needs: tuple[str, ...] = ("就业指导",),
    wants_same_gender: bool = False,
    share: bool = True,
    **person: Any,
) -> int:
    """A person of the office put forward for pairing (with their consent, unless told
    otherwise); their id."""
    from core.orgs import OrgUnit

    unit = db.session.get_one(OrgUnit, casework.unit_id)
    person.setdefault("name", NAMES[next(_serial) % len(NAMES)])
    registered = make_person(casework.officer, unit, minor=minor, **person)
    profiles.save_profile(
        casework.officer,
        registered.id,
        profiles.ProfileInput(
            seeking=seeking,
            needs=list(needs),
            needs_note="想找一份稳定的工作",
            languages=["粤语"],
            availability=["sat-morning", "sat-afternoon", "sun-morning"],
            wants_same_gender=wants_same_gender,
        ),
    )
    if consent:
        profiles.record_consent(
            casework.officer,
            registered.id,
            profiles.ConsentInput(
                local_today(), share_town=share, share_languages=share, share_needs=share
            ),
        )
    return registered.id


def make_mentor(**overrides: Any) -> Volunteer:
    """An approved volunteer (pledge signed) whose skills, town, language and free time
    suit `make_mentee`'s defaults."""
    values: dict[str, Any] = {
        "skills": ["就业指导"],
        "towns": [TOWN_A],
        "languages": ["粤语"],
        "availability": ["sat-morning", "sat-afternoon", "sun-morning"],
        "gender": "male",
    }
    values.update(overrides)
    return make_approved_volunteer(**values)


def make_pairing_coordinator(*, juvenile: bool = False) -> User:
    return make_user(Role.COORDINATOR, None, juvenile)


def run_for(coordinator: User, *volunteers: Volunteer) -> PairingRun:
    """A run among these volunteers only (the database may hold others)."""
    return runs.run_pairing(coordinator, volunteer_ids={v.id for v in volunteers})


def proposed(run: PairingRun, person_id: int) -> MentorPair | None:
    return db.session.scalar(
        select(MentorPair).where(MentorPair.run_id == run.id, MentorPair.person_id == person_id)
    )


def excluded_rules(run: PairingRun, volunteer_id: int, person_id: int) -> list[str]:
    for v, m, codes in run.snapshot["excluded"]:
        if (v, m) == (volunteer_id, person_id):
            return list(codes)
    return []


@dataclass(frozen=True)
class ActivePair:
    pair_id: int
    public_id: str
    person_id: int
    volunteer_id: int
    casework: Casework
    coordinator_id: int

    @property
    def pair(self) -> MentorPair:
        return db.session.get_one(MentorPair, self.pair_id)


def make_active_pair(
    casework: Casework | None = None,
    mentor: Volunteer | None = None,
    **mentee: Any,
) -> ActivePair:
    """An adult mentee paired with a mentor: run, approved, started."""
    casework = casework or make_casework()
    mentor = mentor or make_mentor()
    person_id = make_mentee(casework, **mentee)
    coordinator = make_pairing_coordinator()
    run = run_for(coordinator, mentor)
    pair = proposed(run, person_id)
    assert pair is not None, run.result
    pairs.approve_pair(coordinator, pair.id)
    return ActivePair(pair.id, pair.public_id, person_id, mentor.id, casework, coordinator.id)
