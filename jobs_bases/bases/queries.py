"""Read models of the bases pages: lists in the viewer's scope, hours per month, who has
logged nothing this month, and the dashboard's figures. Reading writes nothing."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, false, func, select
from sqlalchemy.orm import joinedload

from core.db import db
from core.paging import Page
from core.people.models import Person
from core.timeutil import local_today
from core.users import Role, User
from jobs_bases.bases.models import Base, BaseSession, HoursStatus, Placement, PlacementStatus
from jobs_bases.paging import id_page
from jobs_bases.partners.services import linked_base_id
from jobs_bases.scope import staff_sees


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_key(day: date) -> str:
    return day.strftime("%Y-%m")


# -- what a viewer may list -------------------------------------------------------------------


def visible_placements(actor: User) -> Select[tuple[Placement]]:
    """Placements the actor may open, as a query (joined with Person) to narrow further."""
    query = select(Placement).join(Person, Person.id == Placement.person_id)
    if actor.has_role(Role.BASE_CONTACT):
        base_id = linked_base_id(actor)
        return query.where(Placement.base_id == base_id if base_id is not None else false())
    return query.where(staff_sees(actor, Placement.office_id))


@dataclass(frozen=True)
class BaseFilter:
    town: str | None = None
    kind: str | None = None
    retired: bool = False


def base_page(actor: User, filters: BaseFilter, cursor: str | None) -> Page[Base]:
    return id_page(base_query(actor, filters), Base.id, "bases", cursor)


def base_query(actor: User, filters: BaseFilter) -> Select[tuple[Base]]:
    """The bases `actor` may see (a base contact: their base only), filtered."""
    query = select(Base)
    if actor.has_role(Role.BASE_CONTACT):
        base_id = linked_base_id(actor)
        query = query.where(Base.id == base_id if base_id is not None else false())
    if filters.town:
        query = query.where(Base.town == filters.town)
    if filters.kind:
        query = query.where(Base.kind == filters.kind)
    query = query.where(
        Base.retired_at.is_not(None) if filters.retired else Base.retired_at.is_(None)
    )
    return query


@dataclass(frozen=True)
class PlacementFilter:
    town: str | None = None  # the base's town
    office_id: int | None = None
    base_id: int | None = None
    status: str | None = None
    # Only placements with sessions waiting for approval (the home page links here).
    pending_hours: bool = False


def placement_page(actor: User, filters: PlacementFilter, cursor: str | None) -> Page[Placement]:
    return id_page(placement_query(actor, filters), Placement.id, "placements", cursor)


def placement_query(actor: User, filters: PlacementFilter) -> Select[tuple[Placement]]:
    """The placements `actor` may see, filtered, with base and person loaded."""
    query = visible_placements(actor).options(
        joinedload(Placement.base), joinedload(Placement.person)
    )
    if filters.town:
        query = query.join(Base, Base.id == Placement.base_id).where(Base.town == filters.town)
    if filters.office_id:
        query = query.where(Placement.office_id == filters.office_id)
    if filters.base_id:
        query = query.where(Placement.base_id == filters.base_id)
    if filters.status:
        query = query.where(Placement.status == filters.status)
    if filters.pending_hours:
        pending = select(BaseSession.placement_id).where(BaseSession.status == HoursStatus.PENDING)
        query = query.where(Placement.id.in_(pending))
    return query


# -- hours --------------------------------------------------------------------------------------


@dataclass
class MonthHours:
    month: str
    approved_minutes: int = 0
    pending_minutes: int = 0
    declined: int = 0

    @property
    def approved_hours(self) -> float:
        return round(self.approved_minutes / 60, 1)

    @property
    def pending_hours(self) -> float:
        return round(self.pending_minutes / 60, 1)


@dataclass
class HoursSummary:
    months: list[MonthHours] = field(default_factory=list)

    @property
    def total_approved_hours(self) -> float:
        return round(sum(m.approved_minutes for m in self.months) / 60, 1)

    @property
    def this_month(self) -> MonthHours:
        key = month_key(local_today())
        return next((m for m in self.months if m.month == key), MonthHours(key))


def _summary(sessions: Select[tuple[BaseSession]]) -> HoursSummary:
    months: dict[str, MonthHours] = {}
    rows = db.session.execute(
        select(BaseSession.on_date, BaseSession.status, BaseSession.minutes).where(
            BaseSession.id.in_(sessions.with_only_columns(BaseSession.id))
        )
    )
    for on_date, status, minutes in rows:
        key = month_key(on_date)
        month = months.setdefault(key, MonthHours(key))
        if status == HoursStatus.APPROVED:
            month.approved_minutes += minutes
        elif status == HoursStatus.PENDING:
            month.pending_minutes += minutes
        else:
            month.declined += 1
    return HoursSummary(sorted(months.values(), key=lambda m: m.month, reverse=True))


def placement_hours(placement: Placement) -> HoursSummary:
    return _summary(select(BaseSession).where(BaseSession.placement_id == placement.id))


def person_hours(actor: User, person_id: int) -> HoursSummary | None:
    """A person's hours per month and in total over the placements the actor may see
    (for the person's page); None when there is none to show."""
    visible = visible_placements(actor).where(Placement.person_id == person_id)
    ids = list(db.session.scalars(visible.with_only_columns(Placement.id)))
    if not ids:
        return None
    return _summary(select(BaseSession).where(BaseSession.placement_id.in_(ids)))


def sessions_of(placement: Placement) -> list[BaseSession]:
    return list(
        db.session.scalars(
            select(BaseSession)
            .where(BaseSession.placement_id == placement.id)
            .order_by(BaseSession.on_date.desc(), BaseSession.start_time.desc())
        )
    )


def idle_placements(actor: User, office_id: int | None = None) -> list[Placement]:
    """Running placements in the actor's scope with no session logged this month (declined
    ones do not count): who the office should call."""
    today = local_today()
    logged = select(BaseSession.placement_id).where(
        BaseSession.on_date >= month_start(today), BaseSession.status != HoursStatus.DECLINED
    )
    query = (
        visible_placements(actor)
        .options(joinedload(Placement.base), joinedload(Placement.person))
        .where(
            Placement.status == PlacementStatus.ACTIVE,
            Placement.starts_on <= today,
            Placement.ends_on >= today,
            Placement.id.not_in(logged),
        )
        .order_by(Placement.office_id, Placement.id)
    )
    if office_id:
        query = query.where(Placement.office_id == office_id)
    return list(db.session.scalars(query))


# -- dashboard figures ----------------------------------------------------------------------------


def hours_this_month(actor: User) -> int:
    """Approved hours (rounded down) logged this month in the actor's scope."""
    visible = visible_placements(actor).with_only_columns(Placement.id)
    minutes = db.session.scalar(
        select(func.coalesce(func.sum(BaseSession.minutes), 0)).where(
            BaseSession.placement_id.in_(visible),
            BaseSession.status == HoursStatus.APPROVED,
            BaseSession.on_date >= month_start(local_today()),
        )
    )
    return int(minutes or 0) // 60


def people_placed(actor: User) -> int:
    """People with a running placement in the actor's scope."""
    today = local_today()
    query = (
        visible_placements(actor)
        .where(
            Placement.status == PlacementStatus.ACTIVE,
            Placement.starts_on <= today,
            Placement.ends_on >= today,
        )
        .with_only_columns(func.count(func.distinct(Placement.person_id)))
    )
    return int(db.session.scalar(query) or 0)


def pending_sessions(actor: User) -> int:
    visible = visible_placements(actor).with_only_columns(Placement.id)
    return int(
        db.session.scalar(
            select(func.count()).where(
                BaseSession.placement_id.in_(visible), BaseSession.status == HoursStatus.PENDING
            )
        )
        or 0
    )


def office_hours(actor: User) -> dict[int, tuple[int, int]]:
    """Per office in scope: (people placed now, approved hours this month)."""
    today = local_today()
    result: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    placed = visible_placements(actor).where(
        Placement.status == PlacementStatus.ACTIVE,
        Placement.starts_on <= today,
        Placement.ends_on >= today,
    )
    for office_id, count in db.session.execute(
        placed.with_only_columns(
            Placement.office_id, func.count(func.distinct(Placement.person_id))
        ).group_by(Placement.office_id)
    ):
        result[office_id][0] = count
    hours = (
        visible_placements(actor)
        .join(BaseSession, BaseSession.placement_id == Placement.id)
        .where(
            BaseSession.status == HoursStatus.APPROVED,
            BaseSession.on_date >= month_start(today),
        )
        .with_only_columns(Placement.office_id, func.sum(BaseSession.minutes))
        .group_by(Placement.office_id)
    )
    for office_id, minutes in db.session.execute(hours):
        result[office_id][1] = int(minutes or 0) // 60
    return {office: (v[0], v[1]) for office, v in result.items()}
