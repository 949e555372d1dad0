"""The wing's sections of `/reports`: the training funnel (applied, enrolled, completed,
employed) and the hours worked at the bases per town.

Who sees what:
- casework staff (admins, auditors, officers, social workers) see the people of their
  scope, minors only with the juvenile permission, nothing merged;
- coordinators see the county, no minor, and never a figure counting one or two
  people (core.small_cells);
- a training partner sees the funnel of its own courses, under the same rule.

Counting rules (written into docs/reports.md):
- the funnel follows the people who applied in the range (a withdrawn application still
  applied): enrolled is a seat accepted for that application, completed a course
  completed, employed a completed trainee recorded as employed at a follow-up after the
  course or hired through a referral on or after the course's first day;
- base hours are the approved hours of the sessions worked in the range, by the base's
  town; people are those who worked them.

Each figure is one or two grouped queries, whatever the data size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, and_, case, exists, false, func, or_, select, true

from core.db import db
from core.export import Cell as SheetCell
from core.export import Sheet
from core.people.models import Person
from core.reports.casework import town_order
from core.reports.figures import Column, DateRange, Figure, Series, Unit, permille, tenths_of_hours
from core.reports.hiding import hide_small_cells, towns_merged_note
from core.reports.page import figure_sheet
from core.small_cells import Cell, hide_small
from core.users import CASEWORK_ROLES, Role, User
from core.wings import ReportSection
from jobs_bases.bases.models import Base, BaseSession, HoursStatus, Placement
from jobs_bases.jobs.models import Referral
from jobs_bases.partners.services import linked_partner_id
from jobs_bases.scope import staff_sees
from jobs_bases.training.models import (
    Application,
    ApplicationChoice,
    Course,
    Enrolment,
    EnrolmentStatus,
    Outcome,
)

FUNNEL_READERS = frozenset({*CASEWORK_ROLES, Role.COORDINATOR, Role.TRAINING_PARTNER})
BASE_HOURS_READERS = frozenset({*CASEWORK_ROLES, Role.COORDINATOR})
OTHER = "__other__"


@dataclass(frozen=True)
class _Scope:
    where: ColumnElement[bool]  # on Person and the office column given
    suppress: bool
    partner_id: int | None = None  # a training partner: its own courses only


def _scope(user: User | None, office_column: Any) -> _Scope:
    if user is None:
        # The county bureau's monthly statistics: every office, minors included, exact.
        return _Scope(true(), suppress=False)
    if user.does_casework:
        return _Scope(staff_sees(user, office_column), suppress=False)
    if user.has_role(Role.COORDINATOR):
        return _Scope(Person.is_minor.is_(False), suppress=True)
    if user.has_role(Role.TRAINING_PARTNER):
        partner = linked_partner_id(user)
        if partner is None:
            return _Scope(false(), suppress=True)
        return _Scope(Person.is_minor.is_(False), suppress=True, partner_id=partner)
    return _Scope(false(), suppress=True)


# -- the training funnel -----------------------------------------------------------------------


def _funnel_query(scope: _Scope, period: DateRange) -> Select[Any]:
    completed = Enrolment.status == EnrolmentStatus.COMPLETED.value
    employed = and_(
        completed,
        or_(
            exists().where(Outcome.enrolment_id == Enrolment.id, Outcome.employed.is_(True)),
            exists().where(
                Referral.person_id == Enrolment.person_id,
                Referral.hired_on.is_not(None),
                Referral.hired_on >= Course.starts_on,
            ),
        ),
    )
    enrolment_on = Enrolment.application_id == Application.id
    applied_where: list[ColumnElement[bool]] = [
        Application.applied_at >= period.start_utc,
        Application.applied_at < period.end_utc,
        scope.where,
    ]
    if scope.partner_id is not None:
        partner_courses = select(Course.id).where(Course.partner_id == scope.partner_id)
        enrolment_on = and_(enrolment_on, Enrolment.course_id.in_(partner_courses))
        applied_where.append(
            exists().where(
                ApplicationChoice.application_id == Application.id,
                ApplicationChoice.course_id.in_(partner_courses),
            )
        )
    return (
        select(
            func.count(func.distinct(Application.person_id)),
            func.count(func.distinct(Enrolment.person_id)),
            func.count(func.distinct(case((completed, Enrolment.person_id)))),
            func.count(func.distinct(case((employed, Enrolment.person_id)))),
        )
        .select_from(Application)
        .join(Person, Person.id == Application.person_id)
        .outerjoin(Enrolment, enrolment_on)
        .outerjoin(Course, Course.id == Enrolment.course_id)
        .where(*applied_where)
    )


def training_funnel(user: User | None, period: DateRange) -> Figure:
    """People who applied for training in the range, and how many of them enrolled,
    completed and found work; one query."""
    scope = _scope(user, Application.office_id)
    row = db.session.execute(_funnel_query(scope, period)).one()
    counts = [int(value or 0) for value in row]
    notes = [
        gettext(
            "People who applied for training in the range, followed through their course:"
            " employed means recorded as employed at a follow-up, or hired through a"
            " referral, after the course began."
        )
    ]
    shown: list[int | None] = list(counts)
    if scope.suppress:
        shown = [hide_small(count) for count in counts]
        if any(value is None for value in shown):
            notes.append(
                gettext(
                    "A step counting fewer than 3 people is not shown (—), so that no one"
                    " can be singled out."
                )
            )
    applied = shown[0]
    shares = tuple(
        permille(value, applied) if value is not None and applied is not None else None
        for value in shown
    )
    return Figure(
        label_header=gettext("Step"),
        labels=(
            gettext("Applied for a course"),
            gettext("Enrolled in a course"),
            gettext("Completed the course"),
            gettext("Employed after the course"),
        ),
        series=(Series(gettext("Number of people"), tuple(shown)),),
        unit=Unit.COUNT,
        columns=(Column(gettext("Share of those who applied"), Unit.PERMILLE, shares),),
        notes=tuple(notes),
        suppressed=scope.suppress and applied is None,
    )


# -- base hours per town -----------------------------------------------------------------------


def base_hours_per_town(user: User | None, period: DateRange) -> Figure:
    """Approved hours worked at the bases in the range, by the base's town, with the people
    who worked them and their placements; two queries."""
    scope = _scope(user, Placement.office_id)

    def worked(*columns: Any) -> Select[Any]:
        return (
            select(*columns)
            .select_from(BaseSession)
            .join(Placement, Placement.id == BaseSession.placement_id)
            .join(Person, Person.id == BaseSession.person_id)
            .join(Base, Base.id == Placement.base_id)
            .where(
                BaseSession.status == HoursStatus.APPROVED.value,
                BaseSession.on_date >= period.start,
                BaseSession.on_date <= period.end,
                scope.where,
            )
        )

    query = worked(
        Base.town,
        func.count(func.distinct(BaseSession.person_id)),
        func.count(func.distinct(BaseSession.placement_id)),
        func.coalesce(func.sum(BaseSession.minutes), 0),
    ).group_by(Base.town)
    found = {str(town): (int(p), int(n), int(m)) for town, p, n, m in db.session.execute(query)}
    cells = [
        Cell(town, found[town][0], (found[town][1], found[town][2]))
        for town in town_order(set(found))
    ]
    notes = [gettext("Approved hours of the sessions worked in the range, by the base's town.")]
    # A person may work at bases in two towns: the cells overlap, people are counted apart.
    total_people = int(
        db.session.scalar(worked(func.count(func.distinct(BaseSession.person_id)))) or 0
    )
    if scope.suppress:
        shown = hide_small_cells(
            cells, notes, towns_merged_note(), other_key=OTHER, total_people=total_people
        )
        cells = list(shown.cells)
        total_people = shown.total_people or 0
    label = {OTHER: gettext("Other towns")}
    return Figure(
        label_header=gettext("Town"),
        labels=tuple(label.get(cell.key, cell.key) for cell in cells),
        series=(
            Series(gettext("Hours worked"), tuple(tenths_of_hours(c.values[1]) for c in cells)),
        ),
        unit=Unit.TENTH_HOURS,
        columns=(
            Column(gettext("Number of people"), Unit.COUNT, tuple(c.people for c in cells)),
            Column(gettext("Placements"), Unit.COUNT, tuple(c.values[0] for c in cells)),
        ),
        notes=tuple(notes),
        suppressed=scope.suppress and not cells and bool(found),
        totals=(
            sum(tenths_of_hours(c.values[1]) for c in cells),
            total_people,
            sum(c.values[0] for c in cells),
        )
        if cells
        else None,
    )


def monthly_sheet(month: DateRange) -> Sheet:
    """The month's training funnel and base hours, for the county bureau (exact): one
    sheet, the funnel's table, then the hours per town under it."""
    funnel = figure_sheet(gettext("Training funnel"), training_funnel(None, month))
    hours = figure_sheet(gettext("Base hours per town"), base_hours_per_town(None, month))
    rows: list[list[SheetCell]] = [
        *[list(row) for row in funnel.rows],
        [],
        list(hours.headers),
        *[list(row) for row in hours.rows],
    ]
    return Sheet(
        gettext("Training, jobs and bases"),
        funnel.headers,
        rows,
        [*funnel.notes, *hours.notes],
    )


def sections() -> list[ReportSection]:
    group = _l("Training, jobs and bases")
    return [
        ReportSection(
            "training-funnel",
            _l("Training funnel"),
            group,
            FUNNEL_READERS,
            training_funnel,
            order=70,
            description=_l("From applying for a course to finding work."),
        ),
        ReportSection(
            "base-hours",
            _l("Base hours per town"),
            group,
            BASE_HOURS_READERS,
            base_hours_per_town,
            order=71,
            description=_l("Hours worked at the education and public-welfare bases."),
        ),
    ]
