"""What happens to placements and sessions when a person's case moves on, and how far a
base's schedule reaches (for its contact's access period)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db
from core.people.models import Person
from jobs_bases.bases.models import BaseSession, Placement, PlacementStatus
from jobs_bases.partners.models import StaffLink


def placements_end(link: StaffLink, today: date) -> date | None:
    """The last day of the base's active placements that have not ended yet."""
    if link.base_id is None:
        return None
    end: date | None = db.session.scalar(
        select(func.max(Placement.ends_on)).where(
            Placement.base_id == link.base_id,
            Placement.status == PlacementStatus.ACTIVE,
            Placement.ends_on >= today,
        )
    )
    return end


def on_person_ended(person: Person, **_: object) -> None:
    """The case ended: the person's active placements end on the same day."""
    ended_on = person.ended_on
    placements = db.session.scalars(
        select(Placement).where(
            Placement.person_id == person.id, Placement.status == PlacementStatus.ACTIVE
        )
    )
    for placement in placements:
        placement.status = PlacementStatus.ENDED
        placement.ended_on = (
            max(placement.starts_on, min(ended_on, placement.ends_on))
            if ended_on is not None
            else placement.ends_on
        )
        placement.end_reason = "case_ended"
        audit.record(
            Actor.system("case-ended"),
            AuditAction.PLACEMENT_END,
            "placement",
            placement.id,
            office_id=placement.office_id,
            reason="case_ended",
        )


def on_person_transferred(person: Person, **_: object) -> None:
    """Placements follow the person to their new office (the base stays the same)."""
    db.session.execute(
        update(Placement).where(Placement.person_id == person.id).values(office_id=person.office_id)
    )


def on_person_anonymised(person: Person, **_: object) -> None:
    """Free-text notes about the person go; dates, minutes and statuses stay for statistics."""
    db.session.execute(update(Placement).where(Placement.person_id == person.id).values(note=""))
    db.session.execute(
        update(BaseSession)
        .where(BaseSession.person_id == person.id)
        .values(note="", decline_reason="")
    )
