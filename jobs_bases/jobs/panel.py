"""The jobs section of a person's page: their referrals and what came of them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import joinedload

from core.db import db
from core.people.models import Person, PersonStatus
from core.users import User
from jobs_bases.jobs.forms import STATUS_LABELS
from jobs_bases.jobs.models import Opening, Referral
from jobs_bases.jobs.queries import visible_referrals


def person_panel_context(viewer: User, person: Person) -> Mapping[str, Any] | None:
    referrals = list(
        db.session.scalars(
            visible_referrals(viewer)
            .options(joinedload(Referral.opening).joinedload(Opening.employer))
            .where(Referral.person_id == person.id)
            .order_by(Referral.id.desc())
        )
    )
    may_refer = viewer.may_write_casework and person.status == PersonStatus.ACTIVE
    if not referrals and not may_refer:
        return None
    return {
        "person": person,
        "referrals": referrals,
        "may_refer": may_refer,
        "statuses": STATUS_LABELS,
    }
