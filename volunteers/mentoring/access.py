"""Who may do what in mentoring, and the person-scope reads the use cases start from.

- Coordinators (and admins) run pairings, approve or decline proposed pairs and set
  mentors' capacities. Minors enter a run, and a minor's pair is shown, only to staff
  holding the juvenile permission.
- Casework staff who write (officers, social workers, admins) keep a person's
  mentoring profile, consent and conflicts, confirm a minor's pair, resolve concerns
  and end pairs, within their office scope (core's person scope: outside it, 404).
- Auditors read everything.
"""

from __future__ import annotations

from sqlalchemy import ScalarSelect

from core.db import db
from core.errors import Conflict, NotFound, PermissionDenied
from core.people.models import Person, PersonStatus
from core.people.services import get_person, require_writer, scoped_people
from core.users import CASEWORK_ROLES, CASEWORK_WRITE_ROLES, Role, User

COORDINATORS = frozenset({Role.ADMIN, Role.COORDINATOR})
CASEWORKERS = CASEWORK_WRITE_ROLES
# Who opens the mentoring pages at all.
STAFF = COORDINATORS | CASEWORK_ROLES
# Who reads pairs and runs (coordinators' pages).
PAIR_READERS = COORDINATORS | {Role.AUDITOR}


def require_coordinator(actor: User) -> None:
    if not actor.has_role(*COORDINATORS):
        raise PermissionDenied("Only coordinators may run pairings and decide on pairs.")


def person_in_scope(actor: User, person_id: int, *, lock: bool = False) -> Person:
    """The person, if the actor's casework scope holds them (minors only with the
    juvenile permission); NotFound otherwise. Locked when asked: a use case that ends or
    starts a person's pair takes the person's row first (see `pairs.lock_for_decision`)."""
    if not lock:
        return get_person(actor, person_id)
    person = db.session.scalar(scoped_people(actor).where(Person.id == person_id).with_for_update())
    if person is None:
        raise NotFound("No such person.")
    return person


def active_person_in_scope(actor: User, person_id: int) -> Person:
    """An active person the actor may write about, locked for this transaction: a case
    ending at the same moment either is seen here or waits for this use case."""
    require_writer(actor)
    person = db.session.scalar(scoped_people(actor).where(Person.id == person_id).with_for_update())
    if person is None:
        raise NotFound("No such person.")
    if person.status != PersonStatus.ACTIVE:
        raise Conflict("This case is not active.")
    return person


def scoped_person_ids(actor: User) -> ScalarSelect[int]:
    """The ids of the people in the actor's casework scope, as a subquery."""
    return scoped_people(actor).with_only_columns(Person.id).scalar_subquery()
