"""What the vetting pages show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db
from core.errors import NotFound
from core.listing import Listing, Pager, PageRequest
from core.users import User
from volunteers.accounts.identity import mask_email, mask_phone
from volunteers.accounts.models import Volunteer
from volunteers.vetting.models import Vetting, VettingDecision, VettingStatus
from volunteers.vetting.services import VETTERS, decisions_of


def volunteers_query(status: str | None) -> Select[tuple[Volunteer, Vetting]]:
    """Volunteers with their vetting, of one vetting state (any state for None)."""
    query = select(Volunteer, Vetting).join(Vetting, Vetting.volunteer_id == Volunteer.id)
    if status in tuple(VettingStatus):
        query = query.where(Vetting.status == status)
    return query


def volunteers_list(
    status: str | None, paging: PageRequest | None = None
) -> Listing[tuple[Volunteer, Vetting]]:
    """Volunteers with their vetting, newest first, in numbered pages then by cursor; two
    queries whatever the page (core/listing.py)."""
    query = volunteers_query(status)
    pager = Pager(
        "volunteers", [Volunteer.created_at, Volunteer.id], [datetime, int], paging or PageRequest()
    )
    total = pager.count(query)
    rows = db.session.execute(
        pager.window(query).options(joinedload(Volunteer.organisation))
    ).tuples()
    return pager.listing(list(rows), total, lambda row: (row[0].created_at, row[0].id))


@dataclass(frozen=True)
class VolunteerPage:
    volunteer: Volunteer
    vetting: Vetting
    decisions: list[VettingDecision]
    email: str  # masked unless revealed
    phone: str
    revealed: bool


def volunteer_page(user: User, volunteer_id: int, *, reveal: bool, ip: str | None) -> VolunteerPage:
    """A volunteer's record for staff, audited as a view; `reveal` shows email and phone
    in clear to coordinators and admins, audited as a reveal."""
    found = db.session.execute(
        select(Volunteer, Vetting)
        .join(Vetting, Vetting.volunteer_id == Volunteer.id)
        .where(Volunteer.id == volunteer_id)
    ).first()
    if found is None:
        raise NotFound("There is no such volunteer.")
    volunteer, vetting = found
    revealed = reveal and user.has_role(*VETTERS)
    actor = Actor(user.id, user.username, ip)
    audit.record(actor, AuditAction.VOLUNTEER_VIEW, "volunteer", volunteer.id)
    if revealed:
        audit.record(actor, AuditAction.VOLUNTEER_REVEAL, "volunteer", volunteer.id)
    db.session.commit()
    return VolunteerPage(
        volunteer,
        vetting,
        decisions_of(volunteer_id),
        volunteer.email or "" if revealed else mask_email(volunteer.email),
        volunteer.phone or "" if revealed else mask_phone(volunteer.phone),
        revealed,
    )
