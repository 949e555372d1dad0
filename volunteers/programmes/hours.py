"""Hours: coordinators approve or decline them; totals; the export; certificates.

Only approved hours count in totals, exports and certificates. A declined entry is
kept with its reason; the volunteer sees it on their hours page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.errors import NotFound
from core.export import Cell, Export, ExportFormat, write_table
from core.timeutil import local_today, to_local
from core.users import User
from volunteers.accounts.models import Volunteer
from volunteers.programmes.errors import HoursRefused, ShiftInvalid
from volunteers.programmes.models import Activity, HoursEntry, HoursStatus, Programme, Shift
from volunteers.programmes.scope import run_programme, visible_programme_ids


def _actor(user: User, ip: str | None) -> Actor:
    return Actor(user.id, user.username, ip)


def format_hours(minutes: int) -> str:
    """Hours with up to two decimals (rounded half up), as registries take them:
    150 -> "2.5", 100 -> "1.67"."""
    whole, rest = divmod((minutes * 100 + 30) // 60, 100)
    return f"{whole}.{rest:02d}".rstrip("0").rstrip(".")


def _entries(user: User) -> Select[tuple[HoursEntry]]:
    query = (
        select(HoursEntry)
        .join(Shift, Shift.id == HoursEntry.shift_id)
        .join(Activity, Activity.id == Shift.activity_id)
    )
    visible = visible_programme_ids(user)
    if visible is not None:
        query = query.where(Activity.programme_id.in_(visible))
    return query


def _locked_entry(user: User, hours_id: int) -> HoursEntry:
    entry = db.session.scalar(
        _entries(user).where(HoursEntry.id == hours_id).with_for_update(of=HoursEntry)
    )
    if entry is None:
        raise NotFound("There are no such hours.")
    run_programme(user, entry.shift.activity.programme_id)
    if entry.status != HoursStatus.PENDING:
        raise HoursRefused("These hours were decided already.")
    return entry


def approve_hours(user: User, hours_id: int, ip: str | None = None) -> HoursEntry:
    """Approve pending hours of a programme the user runs; audited."""
    entry = _locked_entry(user, hours_id)
    entry.status = HoursStatus.APPROVED
    entry.decided_by_id = user.id
    entry.decided_at = utcnow()
    audit.record(
        _actor(user, ip), AuditAction.HOURS_APPROVE, "hours", entry.id, minutes=entry.minutes
    )
    db.session.commit()
    return entry


def decline_hours(user: User, hours_id: int, reason: str, ip: str | None = None) -> HoursEntry:
    """Decline pending hours with a reason; the entry is kept. Audited."""
    reason = reason.strip()
    if not reason:
        raise ShiftInvalid("Give the reason for this decision.", field="reason")
    entry = _locked_entry(user, hours_id)
    entry.status = HoursStatus.DECLINED
    entry.reason = reason[:500]
    entry.decided_by_id = user.id
    entry.decided_at = utcnow()
    audit.record(
        _actor(user, ip), AuditAction.HOURS_DECLINE, "hours", entry.id, reason=entry.reason
    )
    db.session.commit()
    return entry


def pending_count(user: User) -> int:
    """Hours waiting for a decision in the user's programmes (the dashboard's count)."""
    query = _entries(user).where(HoursEntry.status == HoursStatus.PENDING)
    return int(db.session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def pending_hours(user: User, limit: int = 200) -> list[HoursEntry]:
    return list(
        db.session.scalars(
            _entries(user)
            .where(HoursEntry.status == HoursStatus.PENDING)
            .order_by(Shift.starts_at, HoursEntry.id)
            .limit(limit)
        )
    )


# -- totals ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    by_volunteer: list[tuple[str, str, int]]  # public id, name as registered, minutes
    by_programme: list[tuple[str, int]]
    by_month: list[tuple[str, int]]  # "2025-03", minutes


def _approved_rows(user: User) -> list[tuple[HoursEntry, Shift, Activity, Programme, Volunteer]]:
    query = (
        select(HoursEntry, Shift, Activity, Programme, Volunteer)
        .join(Shift, Shift.id == HoursEntry.shift_id)
        .join(Activity, Activity.id == Shift.activity_id)
        .join(Programme, Programme.id == Activity.programme_id)
        .join(Volunteer, Volunteer.id == HoursEntry.volunteer_id)
        .where(HoursEntry.status == HoursStatus.APPROVED)
        .order_by(Shift.starts_at, HoursEntry.id)
    )
    visible = visible_programme_ids(user)
    if visible is not None:
        query = query.where(Activity.programme_id.in_(visible))
    return [tuple(row) for row in db.session.execute(query)]


def totals(user: User) -> Totals:
    """Approved minutes per volunteer, programme and month (of the shift, Shanghai time),
    over the programmes the user sees."""
    volunteers: dict[tuple[str, str], int] = defaultdict(int)
    programmes: dict[str, int] = defaultdict(int)
    months: dict[str, int] = defaultdict(int)
    for entry, shift, _activity, programme, volunteer in _approved_rows(user):
        volunteers[(volunteer.public_id, volunteer.display_name)] += entry.minutes
        programmes[programme.name] += entry.minutes
        months[to_local(shift.starts_at).strftime("%Y-%m")] += entry.minutes
    return Totals(
        sorted(
            ((pid, name, m) for (pid, name), m in volunteers.items()), key=lambda r: (-r[2], r[1])
        ),
        sorted(programmes.items(), key=lambda r: (-r[1], r[0])),
        sorted(months.items()),
    )


# The columns of the hours export, in the shape volunteer-hours registries import
# (docs/volunteers.md): no ID-card number, no phone.
EXPORT_HEADERS = (
    "志愿者编号",
    "注册名称",
    "服务项目",
    "服务活动",
    "服务日期",
    "开始时间",
    "结束时间",
    "服务时长（小时）",
)


def export_hours(user: User, fmt: ExportFormat, ip: str | None = None) -> Export:
    """Approved hours of the user's programmes as a file a registry imports; audited."""
    rows: list[list[Cell]] = []
    for entry, shift, activity, programme, volunteer in _approved_rows(user):
        rows.append(
            [
                volunteer.public_id,
                volunteer.display_name,
                programme.name,
                activity.title,
                to_local(shift.starts_at).date().isoformat(),
                to_local(shift.starts_at).strftime("%H:%M"),
                to_local(shift.ends_at).strftime("%H:%M"),
                format_hours(entry.minutes),
            ]
        )
    audit.record(
        _actor(user, ip), AuditAction.HOURS_EXPORT, "hours", None, rows=len(rows), format=fmt.value
    )
    db.session.commit()
    return write_table(f"volunteer-hours-{local_today().isoformat()}", EXPORT_HEADERS, rows, fmt)


# -- the volunteer's own ---------------------------------------------------------------------


def own_hours(volunteer_id: int) -> list[HoursEntry]:
    return list(
        db.session.scalars(
            select(HoursEntry)
            .join(Shift, Shift.id == HoursEntry.shift_id)
            .where(HoursEntry.volunteer_id == volunteer_id)
            .order_by(Shift.starts_at.desc(), HoursEntry.id.desc())
        )
    )


def approved_minutes(volunteer_id: int) -> int:
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(HoursEntry.minutes), 0)).where(
                HoursEntry.volunteer_id == volunteer_id, HoursEntry.status == HoursStatus.APPROVED
            )
        )
        or 0
    )


@dataclass(frozen=True)
class Certificate:
    number: str
    name: str
    year: int
    minutes: int
    programmes: list[str]
    issued_on: date


def certificate_years(volunteer_id: int) -> list[int]:
    years = {to_local(shift.starts_at).year for _entry, shift in _own_approved(volunteer_id)}
    return sorted(years, reverse=True)


def _own_approved(volunteer_id: int) -> list[tuple[HoursEntry, Shift]]:
    query = (
        select(HoursEntry, Shift)
        .join(Shift, Shift.id == HoursEntry.shift_id)
        .where(HoursEntry.volunteer_id == volunteer_id, HoursEntry.status == HoursStatus.APPROVED)
    )
    return [(entry, shift) for entry, shift in db.session.execute(query)]


def certificate(volunteer_id: int, year: int) -> Certificate:
    """The volunteer's hours certificate for a year of approved hours; NotFound if none."""
    volunteer = db.session.get(Volunteer, volunteer_id)
    served = [(e, s) for e, s in _own_approved(volunteer_id) if to_local(s.starts_at).year == year]
    if volunteer is None or not served:
        raise NotFound("There is no certificate for this year.")
    names = sorted({s.activity.programme.name for _e, s in served})
    return Certificate(
        number=f"KPV{year}-{volunteer.public_id[:8].upper()}",
        name=volunteer.display_name,
        year=year,
        minutes=sum(e.minutes for e, _s in served),
        programmes=names,
        issued_on=local_today(),
    )
