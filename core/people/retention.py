"""The end of a case, and the anonymisation of cases that ended long ago (PIPL minimisation)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from core import audit, signals
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.errors import Conflict, ValidationFailed
from core.people.models import Person, PersonStatus
from core.people.services import get_person, require_writer
from core.timeutil import local_today
from core.users import User


def end_case(actor: User, person_id: int, ended_on: date, *, ip: str | None = None) -> Person:
    require_writer(actor)
    person = get_person(actor, person_id)
    if person.status != PersonStatus.ACTIVE:
        raise Conflict("This case is not active.")
    if ended_on > local_today():
        raise ValidationFailed("The end date cannot be in the future.", field="ended_on")
    person.status = PersonStatus.ENDED
    person.ended_on = ended_on
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.PERSON_END,
        "person",
        person.id,
        office_id=person.office_id,
    )
    signals.person_ended.send(person)
    db.session.commit()
    return person


def anonymise_ended(older_than_years: int, *, now: datetime | None = None) -> int:
    """Remove the identity of people whose case ended long ago; keep the statistics.

    Birth year, sex, town, kind, needs' categories and amounts, and financial
    records stay (accounting retention); name, ID, phone, address, stories and
    blind indexes go. Returns how many people were anonymised.
    """
    if older_than_years < 1:
        raise ValidationFailed("The retention period must be at least one year.")
    today = (now or utcnow()).date()
    cutoff = today - timedelta(days=365 * older_than_years)
    people = list(
        db.session.scalars(
            select(Person).where(
                Person.status == PersonStatus.ENDED,
                Person.ended_on < cutoff,
                Person.anonymised_at.is_(None),
            )
        )
    )
    from core.needs.services import scrub_needs_of  # needs hang from people

    for person in people:
        person.name = None
        person.id_number = None
        person.phone = None
        person.address = None
        person.name_bidx = None
        person.id_number_bidx = None
        person.phone_bidx = None
        person.birth_date = date(person.birth_date.year, 1, 1)
        person.skills = []
        person.languages = []
        person.anonymised_at = utcnow()
        scrub_needs_of(person.id)
        signals.person_anonymised.send(person)
    audit.record(
        Actor.system("anonymise-ended"),
        AuditAction.PERSON_ANONYMISE,
        "person",
        None,
        count=len(people),
        older_than_years=older_than_years,
    )
    db.session.commit()
    return len(people)
