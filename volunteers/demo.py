"""The volunteers wing's demo: Kaiping's four programmes, their partners, volunteers in
every state of vetting, past and upcoming shifts, approved, pending and declined hours.

Everything is made through the wing's services, as a coordinator would; shifts of the
past are set up "then" (the services take the moment as an argument). Demo accounts
(development only) are listed in docs/volunteers.md; their password is
`demo-pass-2025`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from core.db import db
from core.errors import DomainError
from core.timeutil import SHANGHAI, local_today
from core.users import User
from volunteers.accounts.models import Organisation, OrganisationKind, VolunteerKind
from volunteers.accounts.registration import Registration, register_volunteer
from volunteers.programmes import attendance, catalogue, hours, signups
from volunteers.programmes.models import Shift
from volunteers.vetting import services as vetting
from volunteers.vetting.services import Outcome, Step

PASSWORD = "demo-pass-2025"  # noqa: S105 - the published demo password (docs/volunteers.md)
CUTOFF = timedelta(hours=24)


@dataclass(frozen=True)
class DemoVolunteer:
    username: str
    name: str
    state: str  # approved | pending | rejected | suspended
    kind: str = VolunteerKind.INDIVIDUAL
    organisation: str = ""
    organisation_kind: str = OrganisationKind.OTHER
    skills: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("粤语", "普通话")
    towns: tuple[str, ...] = ("三埠街道",)
    gender: str = "unstated"


VOLUNTEERS = (
    DemoVolunteer(
        "volunteer-demo",
        "陈晓岚",
        "approved",
        skills=("心理辅导", "社会工作"),
        towns=("三埠街道", "赤坎镇"),
        gender="female",
    ),
    DemoVolunteer(
        "volunteer-liang",
        "梁志强",
        "approved",
        skills=("就业指导", "电工"),
        languages=("粤语", "开平话"),
        towns=("长沙街道",),
        gender="male",
    ),
    DemoVolunteer(
        "volunteer-pending",
        "黄美玲",
        "pending",
        skills=("教育辅导",),
        towns=("月山镇",),
        gender="female",
    ),
    DemoVolunteer("volunteer-rejected", "吴国栋", "rejected", towns=("水口镇",), gender="male"),
    DemoVolunteer(
        "volunteer-suspended",
        "周丽华",
        "suspended",
        skills=("法律咨询",),
        towns=("沙塘镇",),
        gender="female",
    ),
    DemoVolunteer(
        "yellow-ribbon-team",
        "开平市黄丝带帮教协会志愿队",
        "approved",
        kind=VolunteerKind.ORGANISATION,
        organisation="开平市黄丝带帮教协会",
        organisation_kind=OrganisationKind.CIVIC_ASSOCIATION,
        skills=("心理辅导", "社会工作"),
        towns=("三埠街道", "长沙街道", "赤坎镇"),
    ),
    DemoVolunteer(
        "jiangmen-prison-team",
        "江门监狱志愿服务队",
        "approved",
        kind=VolunteerKind.ORGANISATION,
        organisation="江门监狱",
        organisation_kind=OrganisationKind.PRISON,
    ),
    DemoVolunteer(
        "yangjiang-prison-team",
        "阳江监狱志愿服务队",
        "approved",
        kind=VolunteerKind.ORGANISATION,
        organisation="阳江监狱",
        organisation_kind=OrganisationKind.PRISON,
    ),
    DemoVolunteer(
        "sihui-prison-team",
        "四会监狱志愿服务队",
        "pending",
        kind=VolunteerKind.ORGANISATION,
        organisation="四会监狱",
        organisation_kind=OrganisationKind.PRISON,
    ),
)

# name, description, partner organisations, activities (title, involves the people helped)
PROGRAMMES = (
    (
        "黄丝带帮教",
        "与开平市黄丝带帮教协会合作，志愿者与安置帮教对象结对，定期走访、陪伴和帮助其回归社会。",
        ("开平市黄丝带帮教协会",),
        (("结对帮教走访", True), ("黄丝带志愿者培训", False)),
    ),
    (
        "监地结对",
        "与江门、阳江、四会监狱共建，开展出监前教育和出监后衔接帮扶。",
        ("江门监狱", "阳江监狱", "四会监狱"),
        (("出监前帮教座谈", True), ("亲情帮教日", True)),
    ),
    (
        "法律六进",
        "法律进机关、进乡村、进社区、进学校、进企业、进单位，志愿者协助普法宣传。",
        (),
        (("法律进社区宣讲", False), ("法律进学校", False)),
    ),
    (
        "社区矫正开放日",
        "社区矫正中心向公众开放，志愿者负责接待、引导和讲解。",
        (),
        (("开放日接待引导", False),),
    ),
)

PLACES = (
    "开平市社区矫正中心",
    "三埠街道司法所",
    "赤坎镇司法所",
    "长沙街道社区服务中心",
    "开平市图书馆报告厅",
)


def _register(spec: DemoVolunteer, n: int, conduct: str) -> int:
    volunteer = register_volunteer(
        Registration(
            username=spec.username,
            display_name=spec.name,
            password=PASSWORD,
            conduct_version=conduct,
            conduct_agreed=True,
            email=f"{spec.username}@volunteers.example",
            phone=f"1390750{n:04d}",
            kind=spec.kind,
            organisation_name=spec.organisation,
            organisation_kind=spec.organisation_kind,
            gender=spec.gender,
            skills=list(spec.skills),
            languages=list(spec.languages),
            towns=list(spec.towns),
            availability=["sat-morning", "sat-afternoon", "sun-morning"],
        ),
        conduct,
        None,
    )
    return volunteer.id


def _vet(coordinator: User, volunteer_id: int, spec: DemoVolunteer) -> None:
    if spec.state == "pending":
        return
    if spec.state == "rejected":
        vetting.record_step(coordinator, volunteer_id, Step.DOCUMENTS, "身份证")
        vetting.decide(coordinator, volunteer_id, Outcome.REJECT, "面谈未参加，材料不全")
        return
    vetting.record_step(coordinator, volunteer_id, Step.DOCUMENTS, "身份证、无犯罪记录证明")
    vetting.record_step(coordinator, volunteer_id, Step.INTERVIEW, "面谈：动机明确，有相关经验")
    vetting.record_step(coordinator, volunteer_id, Step.PLEDGE, "", pledge_version="2025-01")
    vetting.record_step(coordinator, volunteer_id, Step.TRAINING, "完成岗前培训 4 学时")
    if spec.username == "yellow-ribbon-team":
        vetting.record_step(
            coordinator, volunteer_id, Step.JUVENILE_CLEARANCE, "未成年人帮教专项培训合格"
        )
    vetting.decide(coordinator, volunteer_id, Outcome.APPROVE, "材料齐全，面谈通过")


def _moment(days: int, hour: int) -> datetime:
    return datetime.combine(local_today() + timedelta(days=days), time(hour), tzinfo=SHANGHAI)


def _shift(
    coordinator: User, activity_id: int, days: int, hour: int, capacity: int, n: int
) -> Shift:
    start = _moment(days, hour)
    return catalogue.add_shift(
        coordinator,
        activity_id,
        catalogue.ShiftInput(start, start + timedelta(hours=3), PLACES[n % len(PLACES)], capacity),
        now=start - timedelta(days=14),
    )


def seed_demo_volunteers(admin: User) -> None:
    """The wing's demo data, after the ground floor's (core.wings demo seeders)."""
    coordinator = db.session.scalar(select(User).where(User.username == "coordinator")) or admin
    conduct = str(current_app.config["VOLUNTEER_CONDUCT_VERSION"])
    ids: dict[str, int] = {}
    for n, spec in enumerate(VOLUNTEERS, start=1):
        ids[spec.username] = _register(spec, n, conduct)
        _vet(coordinator, ids[spec.username], spec)
    organisations = {o.name: o.id for o in db.session.scalars(select(Organisation))}
    activities: list[int] = []
    for name, description, partners, programme_activities in PROGRAMMES:
        programme = catalogue.save_programme(
            coordinator,
            catalogue.ProgrammeInput(
                name=name,
                description=description,
                coordinator_ids=[coordinator.id],
                partner_ids=[organisations[p] for p in partners if p in organisations],
            ),
        )
        for title, needs_vetting in programme_activities:
            activities.append(
                catalogue.save_activity(
                    coordinator,
                    catalogue.ActivityInput(title=title, needs_vetting=needs_vetting),
                    programme_id=programme.id,
                ).id
            )
    approved = [ids[s.username] for s in VOLUNTEERS if s.state in ("approved", "suspended")]
    _past(coordinator, activities, approved)
    _upcoming(
        coordinator,
        activities,
        [ids[s.username] for s in VOLUNTEERS if s.state == "approved"] + [ids["volunteer-pending"]],
    )
    vetting.decide(
        coordinator,
        ids["volunteer-suspended"],
        Outcome.SUSPEND,
        "多次报名后无故缺席，暂停资格待谈话",
    )


def _past(coordinator: User, activities: list[int], volunteer_ids: list[int]) -> None:
    """Served shifts of the last two months: most hours approved, some waiting, one declined."""
    served = 0
    for n, activity_id in enumerate(activities):
        for weeks_ago in (8, 5, 2):
            shift = _shift(coordinator, activity_id, -7 * weeks_ago + n % 3, 9 + (n % 2) * 5, 4, n)
            for volunteer_id in volunteer_ids[(n + weeks_ago) % 3 :: 2][:3]:
                try:
                    signup = signups.sign_up(
                        volunteer_id,
                        shift.public_id,
                        cutoff=CUTOFF,
                        now=shift.starts_at - timedelta(days=7),
                    )
                except DomainError:  # a rule said no (overlap): the demo skips that one
                    db.session.rollback()
                    continue
                attendance.check_in(
                    volunteer_id, signup.public_id, shift.checkin_code, now=shift.starts_at
                )
                entry = attendance.check_out(
                    volunteer_id,
                    signup.public_id,
                    shift.checkin_code,
                    now=shift.starts_at + timedelta(hours=2, minutes=30 + 15 * (served % 3)),
                )
                served += 1
                if weeks_ago == 2 and served % 2 == 0:
                    continue  # waits for the coordinator
                if served % 11 == 0:
                    hours.decline_hours(coordinator, entry.id, "签到时间与现场登记不符")
                else:
                    hours.approve_hours(coordinator, entry.id)


def _upcoming(coordinator: User, activities: list[int], volunteer_ids: list[int]) -> None:
    """Shifts of the next weeks, some with places taken, one full with a waitlist."""
    for n, activity_id in enumerate(activities):
        for days in (3 + n, 10 + n, 17 + n):
            shift = _shift(coordinator, activity_id, days, 9 + (n % 2) * 5, 2 if n == 0 else 6, n)
            for volunteer_id in volunteer_ids[n % 2 :: 2][:3]:
                try:
                    signups.sign_up(volunteer_id, shift.public_id, cutoff=CUTOFF)
                except DomainError:  # not approved for this activity, or busy then
                    db.session.rollback()
