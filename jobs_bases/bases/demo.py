"""Demo bases across the 15 towns, placements, and a few months of hours.

Bases and placements go through the services staff use (every rule applies). The
hours history is written in one go, for speed: one session a week per placement on a
fixed weekday and time, so no two sessions of a person overlap, none is in the future
and each falls inside its placement; most approved, some pending, a few declined with
their reason.
"""

from __future__ import annotations

import random
from datetime import time, timedelta

from sqlalchemy import select

from core.db import db, utcnow
from core.people.models import Person, PersonStatus
from core.timeutil import local_today
from core.users import User, user_by_username
from jobs_bases.bases.models import Base, BaseKind, BaseSession, HoursStatus, Placement
from jobs_bases.bases.placements import PlacementInput, place_person
from jobs_bases.bases.services import BaseInput, save_base
from jobs_bases.consent.models import SharedField
from jobs_bases.partners.services import link_account

EDUCATION = ["法治学习", "警示教育", "心理辅导"]
WELFARE = ["环境清洁", "敬老服务", "植树护林", "交通劝导"]
EMPLOYMENT = ["岗前培训", "生产实习"]
ACTIVITIES = {
    BaseKind.EDUCATION: EDUCATION,
    BaseKind.WELFARE: WELFARE,
    BaseKind.EMPLOYMENT: EMPLOYMENT,
}
# 22 bases over the 15 towns: (name, kind, town, capacity).
BASES = (
    ("三埠街道敬老院公益基地", BaseKind.WELFARE, "三埠街道", 8),
    ("开平市社区矫正教育基地", BaseKind.EDUCATION, "三埠街道", 20),
    ("三埠物流园就业基地", BaseKind.EMPLOYMENT, "三埠街道", 6),
    ("长沙街道义工服务站", BaseKind.WELFARE, "长沙街道", 8),
    ("长沙街道法治教育基地", BaseKind.EDUCATION, "长沙街道", 15),
    ("长沙电子厂就业基地", BaseKind.EMPLOYMENT, "长沙街道", 6),
    ("月山镇法治文化公园", BaseKind.EDUCATION, "月山镇", 12),
    ("月山五金厂就业基地", BaseKind.EMPLOYMENT, "月山镇", 5),
    ("水口镇法治教育基地", BaseKind.EDUCATION, "水口镇", 10),
    ("水口水暖卫浴就业基地", BaseKind.EMPLOYMENT, "水口镇", 8),
    ("沙塘镇环境整治公益基地", BaseKind.WELFARE, "沙塘镇", 6),
    ("苍城镇敬老院公益基地", BaseKind.WELFARE, "苍城镇", 5),
    ("龙胜镇公益林场", BaseKind.WELFARE, "龙胜镇", 6),
    ("大沙镇茶园公益基地", BaseKind.WELFARE, "大沙镇", 6),
    ("马冈镇农田水利公益基地", BaseKind.WELFARE, "马冈镇", 6),
    ("塘口镇碉楼文化教育基地", BaseKind.EDUCATION, "塘口镇", 10),
    ("赤坎镇红色教育基地", BaseKind.EDUCATION, "赤坎镇", 12),
    ("赤坎农业合作社就业基地", BaseKind.EMPLOYMENT, "赤坎镇", 5),
    ("百合镇教育基地", BaseKind.EDUCATION, "百合镇", 8),
    ("蚬冈镇社区服务中心", BaseKind.WELFARE, "蚬冈镇", 6),
    ("金鸡镇敬老院公益基地", BaseKind.WELFARE, "金鸡镇", 5),
    ("赤水镇公益基地", BaseKind.WELFARE, "赤水镇", 5),
)
PLACEMENTS = 44
DECLINE_REASONS = ("当天未到基地", "时间登记有误，实际只有上午", "活动取消")


def seed_bases(admin: User, seed: int = 20252) -> list[Base]:
    rng = random.Random(seed)
    bases = [
        save_base(
            admin,
            None,
            BaseInput(
                name=name,
                kind=kind,
                town=town,
                capacity=capacity,
                address=f"开平市{town}{rng.choice(['幸福', '和平', '东兴', '南安'])}路{rng.randint(1, 99)}号",
                organisation=f"{town.removesuffix('街道').removesuffix('镇')}社会工作服务站",
                contact_name=rng.choice(["李主任", "黄站长", "周老师", "梁经理", "谭主任"]),
                contact_phone=f"0750-22{rng.randint(10000, 99999)}",
                activities=ACTIVITIES[kind],
            ),
        )
        for name, kind, town, capacity in BASES
    ]
    contact = user_by_username("base-contact")
    if contact is not None:
        link_account(admin, contact.id, base_id=bases[0].id)
    placements = _place_people(admin, bases, rng)
    _hours(placements, admin, rng)
    return bases


def _place_people(admin: User, bases: list[Base], rng: random.Random) -> list[Placement]:
    today = local_today()
    # Three people of each office, so every office has placements.
    per_office: dict[int, list[Person]] = {}
    for person in db.session.scalars(
        select(Person).where(Person.status == PersonStatus.ACTIVE).order_by(Person.id)
    ):
        per_office.setdefault(person.office_id, []).append(person)
    people = [p for group in per_office.values() for p in group[:3]][:PLACEMENTS]
    by_town: dict[str, list[Base]] = {}
    for base in bases:
        by_town.setdefault(base.town, []).append(base)
    taken = {base.id: 0 for base in bases}

    def room(base: Base) -> bool:
        return taken[base.id] < base.capacity

    placements = []
    for n, person in enumerate(people):
        # The first eight go to the demo base contact's base, so it has people to show.
        near = [b for b in by_town.get(person.town, []) if room(b)]
        base = bases[0] if n < 8 else rng.choice(near or [b for b in bases if room(b)])
        taken[base.id] += 1
        shares = [SharedField.NAME] if n % 3 != 2 else []
        if n % 5 == 0:
            shares.append(SharedField.PHONE)
        starts = today - timedelta(days=rng.randint(20, 120))
        placements.append(
            place_person(
                admin,
                PlacementInput(
                    person_id=person.id,
                    base_id=base.id,
                    starts_on=starts,
                    ends_on=today + timedelta(days=rng.randint(30, 200)),
                    note="每周参加一次集体活动" if n % 4 == 0 else "",
                    shares=shares,
                ),
            )
        )
    return placements


def _hours(placements: list[Placement], admin: User, rng: random.Random) -> None:
    today = local_today()
    now = utcnow()
    rows = []
    for n, placement in enumerate(placements):
        if n % 9 == 4:
            continue  # some people logged nothing: the office's "no hours" list
        weekday = n % 5
        start = time(8 + n % 3, 0)
        end = time(start.hour + rng.choice([2, 3, 4]), 30 if n % 2 else 0)
        day = placement.starts_on + timedelta(days=(weekday - placement.starts_on.weekday()) % 7)
        activities = placement.base.activities
        while day < today:
            recent = (today - day).days < 10
            status = HoursStatus.PENDING if recent else HoursStatus.APPROVED
            if not recent and rng.random() < 0.08:
                status = HoursStatus.DECLINED
            rows.append(
                BaseSession(
                    placement_id=placement.id,
                    person_id=placement.person_id,
                    on_date=day,
                    start_time=start,
                    end_time=end,
                    minutes=(end.hour * 60 + end.minute) - (start.hour * 60 + start.minute),
                    activity=rng.choice(activities),
                    status=status,
                    logged_by_id=admin.id,
                    logged_at=now,
                    decided_by_id=None if status == HoursStatus.PENDING else admin.id,
                    decided_at=None if status == HoursStatus.PENDING else now,
                    decline_reason=rng.choice(DECLINE_REASONS)
                    if status == HoursStatus.DECLINED
                    else "",
                )
            )
            day += timedelta(days=7)
    db.session.add_all(rows)
    db.session.commit()
