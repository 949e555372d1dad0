"""Demo employers, openings, and referrals at every stage, through the services; the
dates of older referrals are then moved back so their follow-ups are due."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.db import db
from core.people.models import Person, PersonStatus
from core.timeutil import local_today
from core.users import User
from jobs_bases.bases.models import Base, BaseKind
from jobs_bases.consent.models import SharedField
from jobs_bases.jobs.employers import EmployerInput, OpeningInput, save_employer, save_opening
from jobs_bases.jobs.followups import open_follow_up_tasks
from jobs_bases.jobs.models import Referral
from jobs_bases.jobs.referrals import ReferralInput, record_outcome, refer_person

EMPLOYERS = (
    ("开平市华艺卫浴有限公司", "水口镇"),
    ("开平市顺达物流有限公司", "三埠街道"),
    ("开平市长沙电子科技有限公司", "长沙街道"),
    ("开平市月山五金制品厂", "月山镇"),
    ("赤坎镇绿源农业专业合作社", "赤坎镇"),
)
OPENINGS = (
    (0, "装配工", 4, 380_000, 480_000, "初中以上，能适应倒班", "水口水暖卫浴就业基地"),
    (1, "仓库理货员", 3, 350_000, 420_000, "身体健康", "三埠物流园就业基地"),
    (1, "送货司机", 1, 450_000, 600_000, "持C1驾照，两年驾龄", None),
    (2, "电子装配工", 5, 360_000, 450_000, "视力良好", "长沙电子厂就业基地"),
    (3, "打磨工", 2, 400_000, 520_000, "能吃苦耐劳", "月山五金厂就业基地"),
    (4, "农业种植工", 3, 280_000, 350_000, "有务农经验优先", "赤坎农业合作社就业基地"),
)
# (days since referral, outcome, days from referral to the outcome)
STAGES = (
    (5, None, 0),
    (12, None, 0),
    (30, "not_hired", 10),
    (40, "hired", 7),
    (100, "hired", 10),
    (130, "hired", 8),
    (200, "hired", 14),
    (210, "left", 12),
    (60, "withdrawn", 5),
    (20, "hired", 6),
    (95, "not_hired", 20),
    (8, None, 0),
)


def seed_jobs(admin: User) -> None:
    employers = [
        save_employer(
            admin,
            None,
            EmployerInput(name, town, contact_name="人事部", contact_phone=f"0750-23{n:05d}"),
        )
        for n, (name, town) in enumerate(EMPLOYERS)
    ]
    bases = {
        b.name: b.id
        for b in db.session.scalars(select(Base).where(Base.kind == BaseKind.EMPLOYMENT))
    }
    openings = [
        save_opening(
            admin,
            None,
            OpeningInput(
                employer_id=employers[e].id,
                title=title,
                seats=seats,
                wage_min_fen=low,
                wage_max_fen=high,
                town=employers[e].town,
                requirements=needs,
                base_id=bases.get(base) if base else None,
            ),
        )
        for e, title, seats, low, high, needs, base in OPENINGS
    ]
    people = list(
        db.session.scalars(
            select(Person)
            .where(Person.status == PersonStatus.ACTIVE, Person.is_minor.is_(False))
            .order_by(Person.id.desc())
            .limit(len(STAGES))
        )
    )
    today = local_today()
    for n, (person, (ago, outcome, after)) in enumerate(zip(people, STAGES, strict=False)):
        opening = openings[n % len(openings)]
        referral = refer_person(
            admin,
            ReferralInput(
                person_id=person.id,
                opening_id=opening.id,
                shares=[SharedField.NAME, SharedField.PHONE] if n % 2 == 0 else [SharedField.NAME],
            ),
        )
        if outcome is not None:
            first = "hired" if outcome == "left" else outcome
            record_outcome(admin, referral.id, first, today)
            if outcome == "left":
                record_outcome(admin, referral.id, "left", today)
        _backdate(referral.id, ago, after, outcome)
    open_follow_up_tasks()


def _backdate(referral_id: int, ago: int, after: int, outcome: str | None) -> None:
    """Move a demo referral's history back in time (the services date things today)."""
    referral = db.session.get_one(Referral, referral_id)
    today = local_today()
    referral.referred_on = today - timedelta(days=ago)
    decided = referral.referred_on + timedelta(days=after)
    if outcome in ("hired", "left"):
        referral.hired_on = decided
    if outcome == "left":
        referral.left_on = decided + timedelta(days=60)
    if outcome in ("not_hired", "withdrawn"):
        referral.closed_on = decided
    db.session.commit()
