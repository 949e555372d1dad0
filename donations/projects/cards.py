"""Need cards: what donors may see of a need (docs/privacy.md). Never a minor, never identity."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core.db import db
from core.needs.models import Need, NeedStatus
from core.people.models import Person
from core.privacy import age_band
from core.timeutil import local_today
from donations.projects.models import NeedListing
from donations.projects.services import PUBLIC_LISTING_STATUSES

UNDER_REVIEW = (NeedStatus.DRAFT, NeedStatus.SUBMITTED, NeedStatus.APPROVED)


def public_listings_query() -> Any:
    return (
        select(NeedListing)
        .join(Need, Need.id == NeedListing.need_id)
        .join(Person, Person.id == Need.person_id)
        .options(joinedload(NeedListing.need).joinedload(Need.person))
        .where(NeedListing.status.in_(PUBLIC_LISTING_STATUSES))
        .where(Person.is_minor.is_(False), Person.consent_publication.is_(True))
        .where(Need.story.is_not(None))
        # A need sent back to review by an edit is hidden until approved and published again.
        .where(Need.status.not_in(UNDER_REVIEW))
    )


def public_listing(listing_id: str) -> NeedListing | None:
    listing: NeedListing | None = db.session.scalar(
        public_listings_query().where(NeedListing.id == listing_id)
    )
    return listing


def listings_of_project(project_id: str) -> list[NeedListing]:
    return list(
        db.session.scalars(
            public_listings_query()
            .where(NeedListing.project_id == project_id)
            .order_by(NeedListing.listed_at.desc())
        ).unique()
    )


def card(listing: NeedListing) -> dict[str, Any]:
    need = listing.need
    person = need.person
    return {
        "id": listing.id,
        "project_id": listing.project_id,
        "alias": need.alias,
        "age_band": age_band(person.birth_date, local_today()),
        "town": person.town,
        "category": need.category,
        "story": need.story or "",
        "amount_fen": listing.amount_fen,
        "raised_fen": listing.raised_fen,
        "status": listing.status,
        "deadline": need.deadline.isoformat(),
    }
