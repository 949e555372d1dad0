"""Demo mentoring: a handful of pairs with their meeting logs, made through the services.

The volunteers are the volunteers wing's demo ones (volunteers/demo.py, seeded just
before): `volunteer-demo` mentors one adult of the 赤坎 office, with three meetings,
the last of which raised a concern (a task for officer-chikan); `volunteer-liang`
mentors an adult of the 长沙 office; the Yellow Ribbon team (juvenile clearance, three
places) has a pair proposed with an adult of the 三埠 office, left for the coordinator
to approve, and a pair with a minor approved and waiting for the officer's
confirmation (the demo coordinator holds no juvenile permission: the admin ran that
one; where the minor's office officer holds none either, the admin keeps the case).
A volunteer the volunteers demo did not make is left out.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from core.db import db
from core.orgs import OrgUnit
from core.people.models import Person, PersonStatus
from core.timeutil import local_today
from core.users import User, user_by_username
from volunteers.accounts.models import Volunteer
from volunteers.mentoring import meetings, pairs, profiles, runs
from volunteers.mentoring.models import MentorPair, PairStatus
from volunteers.vetting.services import may_meet_mentees

SLOTS = ["sat-morning", "sat-afternoon", "sun-morning"]
TOPICS = ["聊近况和找工作的打算", "一起看了招聘信息", "谈家庭关系和作息", "介绍技能培训班"]
CONCERN = "最近情绪低落，提到和家人争吵，建议司法所跟进。"


def _volunteer(username: str, *, minor: bool = False) -> Volunteer | None:
    found = db.session.scalar(select(Volunteer).where(Volunteer.username == username))
    if found is None or not may_meet_mentees(found.id, minor=minor):
        return None
    return found


def _person(office_code: str | None, *, minor: bool, taken: set[int]) -> Person | None:
    """An active person of the office (any office when None), those who told their
    officer they would like a mentor first."""
    query = (
        select(Person)
        .join(OrgUnit, OrgUnit.id == Person.office_id)
        .where(
            Person.status == PersonStatus.ACTIVE,
            Person.is_minor.is_(minor),
            Person.id.not_in(taken or {0}),
        )
        .order_by(Person.consent_mentoring.desc(), Person.id)
        .limit(1)
    )
    if office_code is not None:
        query = query.where(OrgUnit.code == office_code)
    return db.session.scalar(query)


def _caseworker(person: Person, admin: User) -> User:
    """The officer of the person's office; the admin for a minor the officer may not see."""
    office = db.session.get_one(OrgUnit, person.office_id)
    pinyin = office.code.removeprefix("office-")
    officer = user_by_username(f"officer-{pinyin}")
    if officer is None or (person.is_minor and not officer.may_see_minors):
        return admin
    return officer


def _put_forward(officer: User, person: Person, needs: list[str], started: date) -> None:
    profiles.save_profile(
        officer,
        person.id,
        profiles.ProfileInput(
            seeking=True,
            needs=needs,
            needs_note="刚回到社区，想找一份稳定的工作，也希望有人聊聊天。",
            languages=["粤语", *(person.languages or [])],
            availability=SLOTS[:3],
        ),
    )
    profiles.record_consent(
        officer,
        person.id,
        profiles.ConsentInput(started, share_town=True, share_languages=True, share_needs=True),
    )


def _backdate(pair_id: int, days: int) -> None:
    # Demo only: the pair "started" weeks ago, so its meeting log has a history.
    pair = db.session.get_one(MentorPair, pair_id)
    if pair.started_at is not None:
        pair.started_at -= timedelta(days=days)
        pair.proposed_at -= timedelta(days=days)
        db.session.commit()


def _meetings(volunteer: Volunteer, pair_id: int, count: int, *, concern: bool) -> None:
    pair = db.session.get_one(MentorPair, pair_id)
    today = local_today()
    for n in range(count):
        flagged = concern and n == count - 1
        meetings.log_meeting(
            volunteer,
            pair.public_id,
            meetings.MeetingInput(
                met_on=today - timedelta(days=7 * (count - n)),
                duration_min=60 + 15 * n,
                topic=TOPICS[n % len(TOPICS)],
                concern=flagged,
                concern_note=CONCERN if flagged else "",
            ),
        )


def _pair_one(
    coordinator: User, volunteer: Volunteer, officer: User, person: Person, needs: list[str]
) -> MentorPair | None:
    _put_forward(officer, person, needs, local_today() - timedelta(days=40))
    run = runs.run_pairing(coordinator, volunteer_ids={volunteer.id})
    return db.session.scalar(
        select(MentorPair).where(MentorPair.run_id == run.id, MentorPair.person_id == person.id)
    )


def seed_demo_mentoring(admin: User) -> None:
    coordinator = user_by_username("coordinator") or admin
    team = _volunteer("yellow-ribbon-team")
    if team is not None:
        pairs.set_capacity(coordinator, team.id, 3)
    plans = [
        # mentor, office (None: any), minor, needs, approve, meetings, the last with a concern
        ("volunteer-demo", "office-chikan", False, ["心理辅导"], True, 3, True),
        ("volunteer-liang", "office-changsha", False, ["就业指导"], True, 2, False),
        ("yellow-ribbon-team", "office-sanbu", False, ["社会工作"], False, 0, False),
        ("yellow-ribbon-team", None, True, ["心理辅导"], True, 0, False),
    ]
    taken: set[int] = set()
    for username, office, minor, needs, approve, count, concern in plans:
        volunteer = _volunteer(username, minor=minor)
        person = _person(office, minor=minor, taken=taken)
        if volunteer is None or person is None:
            continue
        taken.add(person.id)
        runner = admin if minor else coordinator
        pair = _pair_one(runner, volunteer, _caseworker(person, admin), person, needs)
        if pair is None or not approve:
            continue
        pairs.approve_pair(runner, pair.id)
        if pair.status == PairStatus.ACTIVE and count:
            _backdate(pair.id, 60)
            _meetings(volunteer, pair.id, count, concern=concern)
