"""The bases section of a person's page: their placements and hours, per month and in all."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import joinedload

from core.db import db
from core.people.models import Person, PersonStatus
from core.users import User
from jobs_bases.bases.models import Placement
from jobs_bases.bases.queries import person_hours, visible_placements


def person_panel_context(viewer: User, person: Person) -> Mapping[str, Any] | None:
    placements = list(
        db.session.scalars(
            visible_placements(viewer)
            .options(joinedload(Placement.base))
            .where(Placement.person_id == person.id)
            .order_by(Placement.starts_on.desc())
        )
    )
    may_place = viewer.may_write_casework and person.status == PersonStatus.ACTIVE
    if not placements and not may_place:
        return None
    return {
        "person": person,
        "placements": placements,
        "hours": person_hours(viewer, person.id),
        "may_place": may_place,
    }
