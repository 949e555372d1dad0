"""Who sees which placements and referrals: the rule every domain of the wing shares.

Staff doing casework see what hangs from the people of their offices (admins and
auditors: every office), minors only with the juvenile permission. A base contact sees
their own base's placements, a training partner their own partner's things; nobody
else sees any of it. Anything outside answers NotFound, like a missing record.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, true
from sqlalchemy.orm import InstrumentedAttribute

from core.people.models import Person
from core.users import User, visible_office_ids


def staff_sees(
    actor: User, office_column: InstrumentedAttribute[int] | ColumnElement[int]
) -> ColumnElement[bool]:
    """A clause on an office column (joined with Person) for a casework user's scope."""
    if not actor.does_casework:
        return false()
    clauses: list[ColumnElement[bool]] = []
    offices = visible_office_ids(actor)
    if offices is not None:
        clauses.append(office_column.in_(offices) if offices else false())
    if not actor.may_see_minors:
        clauses.append(Person.is_minor.is_(False))
    return and_(true(), *clauses)


def staff_sees_row(actor: User, office_id: int, is_minor: bool) -> bool:
    if not actor.does_casework:
        return False
    if is_minor and not actor.may_see_minors:
        return False
    offices = visible_office_ids(actor)
    return offices is None or office_id in offices
