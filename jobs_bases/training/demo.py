"""Demo training, through the same services staff and the partner use, with the clock
moved to each step's day: two classes that ended (32 people completed them, with
certificates and employment follow-ups, some hired), and one course taking applications
now, with more applicants than seats (so its allocation has a waitlist; a draft run is
ready to review). The labour bureau runs them; the demo `trainer` account speaks for it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from core.db import db
from core.people.models import Person, PersonStatus
from core.privacy import age_on
from core.timeutil import SHANGHAI, local_today
from core.users import Role, User, user_by_username
from jobs_bases.consent.models import SharedField
from jobs_bases.partners.access import renew_access
from jobs_bases.partners.models import TrainingPartner
from jobs_bases.training import allocation, applications, classes, courses, offers, outcomes
from jobs_bases.training.models import Course, Enrolment, Offer, OfferStatus
from jobs_bases.training.outcomes import follow_up_due

LABOUR_BUREAU = "开平市人力资源和社会保障局"


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), SHANGHAI).astimezone(UTC)


@dataclass(frozen=True)
class PastClass:
    round_name: str
    title: str
    trade: str
    certificate_type: str
    town: str
    seats: int
    applicants: int
    ended_days_ago: int
    # Trainees (by place in the class) who miss sessions, and who fail the exam.
    absent: tuple[int, ...]
    failed: tuple[int, ...]
    # Follow-ups recorded: months -> how many asked, how many of them employed.
    recorded: dict[int, tuple[int, int]]


PAST = (
    PastClass(
        "2025年秋季培训",
        "电工（低压电工作业）培训班",
        "电工",
        "低压电工作业培训合格证书",
        "三埠街道",
        seats=18,
        applicants=20,
        ended_days_ago=240,
        absent=(5,),
        failed=(),
        recorded={3: (17, 10), 6: (12, 9)},
    ),
    PastClass(
        "2026年春季培训",
        "中式烹调培训班",
        "中式烹调",
        "中式烹调师（五级）职业技能等级证书",
        "长沙街道",
        seats=16,
        applicants=17,
        ended_days_ago=120,
        absent=(),
        failed=(9,),
        recorded={3: (10, 6)},
    ),
)
SESSIONS = 10
TOPICS = ("安全规范", "理论讲授", "实操训练", "案例分析", "模拟考核")


def _partner() -> TrainingPartner | None:
    return db.session.scalar(select(TrainingPartner).where(TrainingPartner.name == LABOUR_BUREAU))


def _officer_of(office_id: int, admin: User) -> User:
    found = db.session.scalar(
        select(User)
        .where(User.role == Role.OFFICER, User.scope_unit_id == office_id)
        .order_by(User.id)
    )
    return found or admin


def _candidates(
    rng: random.Random, apply_on: date, starts_on: date, taken: set[int]
) -> list[Person]:
    people = [
        person
        for person in db.session.scalars(
            select(Person)
            .where(Person.status == PersonStatus.ACTIVE, Person.is_minor.is_(False))
            .order_by(Person.id)
        )
        if person.id not in taken
        and person.case_start is not None
        and person.case_start < apply_on
        and 18 <= age_on(person.birth_date, starts_on) <= 55
    ]
    rng.shuffle(people)
    return people


def _course(
    admin: User,
    partner: TrainingPartner,
    round_name: str,
    spec: tuple[str, str, str, str, int],
    starts_on: date,
    ends_on: date,
    apply_by: date,
) -> Course:
    """spec: title, trade, certificate type, town, seats."""
    title, trade, certificate_type, town, seats = spec
    training_round = courses.save_round(admin, None, round_name)
    return courses.save_course(
        admin,
        None,
        courses.CourseInput(
            round_id=training_round.id,
            partner_id=partner.id,
            title=title,
            trade=trade,
            seats=seats,
            starts_on=starts_on,
            ends_on=ends_on,
            location="开平市高级技工学校实训楼",
            town=town,
            apply_by=apply_by,
            certificate_type=certificate_type,
        ),
    )


def _schedule(admin: User, course: Course) -> list[int]:
    days = [
        course.starts_on + timedelta(days=i)
        for i in range((course.ends_on - course.starts_on).days + 1)
    ]
    weekdays = [day for day in days if day.weekday() < 5][:SESSIONS]
    return [
        courses.add_session(
            admin,
            course.id,
            courses.SessionInput(day, time(9), time(12), TOPICS[i % len(TOPICS)]),
        ).id
        for i, day in enumerate(weekdays)
    ]


def _apply(
    admin: User, people: list[Person], course: Course, apply_on: date, count: int
) -> list[int]:
    ids = []
    for n, person in enumerate(people[:count]):
        officer = _officer_of(person.office_id, admin)
        ids.append(
            applications.apply(
                officer,
                applications.ApplicationInput(person.id, course.round_id, [course.id]),
                now=_at(apply_on, 9 + n % 8),
            ).id
        )
    return ids


def _consent(rng: random.Random) -> list[SharedField]:
    roll = rng.random()
    if roll < 0.75:
        return [SharedField.NAME, SharedField.PHONE]
    return [SharedField.NAME] if roll < 0.9 else []


def _past_class(
    admin: User, partner: TrainingPartner, spec: PastClass, rng: random.Random, taken: set[int]
) -> None:
    today = local_today()
    ends_on = today - timedelta(days=spec.ended_days_ago)
    starts_on = ends_on - timedelta(days=13)
    apply_by = starts_on - timedelta(days=20)
    apply_on = apply_by - timedelta(days=10)
    course = _course(
        admin,
        partner,
        spec.round_name,
        (spec.title, spec.trade, spec.certificate_type, spec.town, spec.seats),
        starts_on,
        ends_on,
        apply_by,
    )
    sessions = _schedule(admin, course)
    people = _candidates(rng, apply_on, starts_on, taken)
    _apply(admin, people, course, apply_on, spec.applicants)
    taken.update(person.id for person in people[: spec.applicants])
    published_on = _at(apply_by + timedelta(days=1))
    run = allocation.run_allocation(admin, course.round_id, now=published_on)
    allocation.publish_run(admin, run.id, now=published_on)
    enrolments: list[Enrolment] = []
    open_offers = db.session.scalars(
        select(Offer)
        .where(Offer.course_id == course.id, Offer.status == OfferStatus.OPEN)
        .order_by(Offer.id)
    )
    for offer in list(open_offers):
        officer = _officer_of(offer.office_id, admin)
        enrolments.append(
            offers.accept_offer(
                officer, offer.id, _consent(rng), now=published_on + timedelta(days=2)
            )
        )
    trainer = user_by_username("trainer") or admin
    ids = [enrolment.id for enrolment in enrolments]
    for number, session_id in enumerate(sessions):
        # Each absentee misses four sessions in ten: below the 80 % the course asks.
        present = [
            e for place, e in enumerate(ids) if not (place in spec.absent and number % 5 < 2)
        ]
        on_date = courses.sessions_of(course.id)[number].on_date
        classes.record_attendance(trainer, session_id, present, now=_at(on_date, 12))
    for place, enrolment_id in enumerate(ids):
        classes.record_exam(trainer, enrolment_id, place not in spec.failed, now=_at(ends_on, 15))
    classes.close_course(trainer, course.id, now=_at(ends_on, 17))
    completed = [e for e in ids if db.session.get_one(Enrolment, e).status == "completed"]
    for months, (asked, employed) in sorted(spec.recorded.items()):
        due = follow_up_due(course, months)
        for n, enrolment_id in enumerate(completed[:asked]):
            enrolment = db.session.get_one(Enrolment, enrolment_id)
            outcomes.record_outcome(
                _officer_of(enrolment.office_id, admin),
                enrolment_id,
                months,
                n < employed,
                rng.choice(("本地电器维修店", "餐馆后厨", "工厂普工", "自主经营"))
                if n < employed
                else "",
                now=_at(due + timedelta(days=3)),
            )


def _open_course(
    admin: User, partner: TrainingPartner, rng: random.Random, taken: set[int]
) -> None:
    today = local_today()
    course = _course(
        admin,
        partner,
        "2026年秋季培训",
        ("养老护理员培训班", "养老护理", "养老护理员（五级）职业技能等级证书", "水口镇", 12),
        today + timedelta(days=30),
        today + timedelta(days=44),
        today + timedelta(days=14),
    )
    _schedule(admin, course)
    people = _candidates(rng, today, course.starts_on, taken)
    for n in range(18):
        _apply(admin, people[n : n + 1], course, today - timedelta(days=n % 9), 1)
    # A draft run to review; it can be published once applications close.
    allocation.run_allocation(admin, course.round_id)


def seed_training(admin: User) -> None:
    """Two finished classes and one course taking applications (module docstring)."""
    partner = _partner()
    if partner is None:
        return
    rng = random.Random(2026)
    taken: set[int] = set()
    for spec in PAST:
        _past_class(admin, partner, spec, rng, taken)
    _open_course(admin, partner, rng, taken)
    outcomes.open_outcome_tasks()
    trainer = user_by_username("trainer")
    if trainer is not None:
        # Linked before any course existed (a grace period): now to the end of its courses.
        renew_access(admin, trainer.id)
