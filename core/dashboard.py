"""Counts per office for the dashboard, within the viewer's scope."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from core.db import db
from core.needs.models import Need, NeedStatus
from core.orgs import OrgUnit, UnitKind
from core.people.models import Person, PersonKind, PersonStatus
from core.users import User, visible_office_ids


@dataclass
class OfficeCounts:
    office_id: int
    office_name: str
    town: str
    correction: int = 0
    resettlement: int = 0
    open_needs: int = 0
    review_queue: int = 0
    published: int = 0


# The needs the dashboard counts: open ones. Closed ones, most of a county's history, are
# left out of the query rather than counted and dropped.
COUNTED_NEEDS = (NeedStatus.DRAFT, NeedStatus.SUBMITTED, NeedStatus.APPROVED, NeedStatus.PUBLISHED)


def office_counts(actor: User) -> list[OfficeCounts]:
    """Three grouped queries, whatever the number of offices."""
    offices_q = select(OrgUnit).where(OrgUnit.kind == UnitKind.OFFICE).order_by(OrgUnit.id)
    visible = visible_office_ids(actor)
    if visible is not None:
        offices_q = offices_q.where(OrgUnit.id.in_(visible))
    rows = {o.id: OfficeCounts(o.id, o.name, o.town or "") for o in db.session.scalars(offices_q)}
    minors_ok = actor.may_see_minors
    people_q = (
        select(Person.office_id, Person.kind, func.count())
        .where(Person.status == PersonStatus.ACTIVE, Person.office_id.in_(rows))
        .group_by(Person.office_id, Person.kind)
    )
    if not minors_ok:
        people_q = people_q.where(Person.is_minor.is_(False))
    for office_id, kind, count in db.session.execute(people_q):
        if kind == PersonKind.CORRECTION:
            rows[office_id].correction = count
        else:
            rows[office_id].resettlement = count
    needs_q = (
        select(Person.office_id, Need.status, func.count())
        .join(Person, Person.id == Need.person_id)
        .where(Person.office_id.in_(rows), Need.status.in_(COUNTED_NEEDS))
        .group_by(Person.office_id, Need.status)
    )
    if not minors_ok:
        needs_q = needs_q.where(Person.is_minor.is_(False))
    for office_id, status, count in db.session.execute(needs_q):
        row = rows[office_id]
        if status in COUNTED_NEEDS:
            row.open_needs += count
        if status == NeedStatus.SUBMITTED:
            row.review_queue += count
        if status == NeedStatus.PUBLISHED:
            row.published += count
    return list(rows.values())
