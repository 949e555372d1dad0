"""How training follows a person's case, inside the use case's transaction, and how far
a partner's courses reach (for its accounts' access period)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update

from core.audit import Actor
from core.db import db, utcnow
from core.people.models import Person
from core.tasks.models import Task, TaskStatus
from jobs_bases.partners.models import StaffLink
from jobs_bases.training import notify
from jobs_bases.training.applications import withdraw_all_of
from jobs_bases.training.models import (
    FOLLOW_UP_MONTHS,
    Application,
    Course,
    Enrolment,
    Offer,
    Outcome,
)


def courses_end(link: StaffLink, today: date) -> date | None:
    """The last day of the partner's courses that have not ended yet."""
    if link.partner_id is None:
        return None
    end: date | None = db.session.scalar(
        select(func.max(Course.ends_on)).where(
            Course.partner_id == link.partner_id, Course.ends_on >= today
        )
    )
    return end


def on_person_ended(person: Person, **_: object) -> None:
    """The case ended: applications are withdrawn and seats given up (a trainee still in
    class leaves it; a judged course stays on record); each freed seat goes down its
    waitlist in the same transaction."""
    withdraw_all_of(person, Actor.system("case-ended"), "case_ended", utcnow())


def _task_keys(person_id: int) -> list[str]:
    applications = list(
        db.session.scalars(select(Application.id).where(Application.person_id == person_id))
    )
    offers = list(db.session.scalars(select(Offer.id).where(Offer.person_id == person_id)))
    enrolments = list(
        db.session.scalars(select(Enrolment.id).where(Enrolment.person_id == person_id))
    )
    return [
        *(notify.result_task_key(a) for a in applications),
        *(notify.offer_task_key(o) for o in offers),
        *(notify.outcome_task_key(e, m) for e in enrolments for m in FOLLOW_UP_MONTHS),
    ]


def on_person_transferred(person: Person, **_: object) -> None:
    """Applications, offers and enrolments move with the person to their new office, and
    so do the open tasks about them (the new office's officers tell the person)."""
    for model in (Application, Offer, Enrolment):
        db.session.execute(
            update(model).where(model.person_id == person.id).values(office_id=person.office_id)
        )
    keys = _task_keys(person.id)
    if keys:
        db.session.execute(
            update(Task)
            .where(Task.dedupe_key.in_(keys), Task.status == TaskStatus.OPEN)
            .values(scope_unit_id=person.office_id)
        )


def on_person_anonymised(person: Person, **_: object) -> None:
    """Free text about the person goes; dates, courses and results stay for statistics."""
    db.session.execute(
        update(Application)
        .where(Application.person_id == person.id)
        .values(note="", withdrawal_reason="")
    )
    enrolments = select(Enrolment.id).where(Enrolment.person_id == person.id)
    db.session.execute(update(Outcome).where(Outcome.enrolment_id.in_(enrolments)).values(note=""))
