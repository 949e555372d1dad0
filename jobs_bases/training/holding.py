"""Who holds a course's seats: its open and accepted offers."""

from __future__ import annotations

from sqlalchemy import func, select

from core.db import db
from jobs_bases.training.models import Offer, OfferStatus


def held_seats(course_id: int, *, accepted_only: bool = False) -> int:
    """Seats of the course held now: by open and accepted offers, or accepted only."""
    statuses = [OfferStatus.ACCEPTED] if accepted_only else [OfferStatus.OPEN, OfferStatus.ACCEPTED]
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Offer)
            .where(Offer.course_id == course_id, Offer.status.in_(statuses))
        )
        or 0
    )
