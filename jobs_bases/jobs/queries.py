"""Read models of the jobs pages: openings, referrals in the viewer's scope, counts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from core.db import db
from core.paging import Page
from core.people.models import Person
from core.users import User
from jobs_bases.jobs.models import FollowUp, Opening, Referral, ReferralStatus
from jobs_bases.paging import id_page
from jobs_bases.scope import staff_sees


def visible_referrals(actor: User) -> Select[tuple[Referral]]:
    return (
        select(Referral)
        .join(Person, Person.id == Referral.person_id)
        .where(staff_sees(actor, Referral.office_id))
    )


@dataclass(frozen=True)
class OpeningFilter:
    town: str | None = None
    status: str | None = None


def opening_page(filters: OpeningFilter, cursor: str | None) -> Page[Opening]:
    return id_page(opening_query(filters), Opening.id, "openings", cursor)


def opening_query(filters: OpeningFilter) -> Select[tuple[Opening]]:
    """Openings (every staff reader sees all), filtered, with their employer."""
    query = select(Opening).options(joinedload(Opening.employer))
    if filters.town:
        query = query.where(Opening.town == filters.town)
    if filters.status:
        query = query.where(Opening.status == filters.status)
    return query


@dataclass(frozen=True)
class ReferralFilter:
    town: str | None = None  # the opening's town
    office_id: int | None = None
    status: str | None = None
    opening_id: int | None = None
    person_id: int | None = None


def referral_page(actor: User, filters: ReferralFilter, cursor: str | None) -> Page[Referral]:
    return id_page(referral_query(actor, filters), Referral.id, "referrals", cursor)


def referral_query(actor: User, filters: ReferralFilter) -> Select[tuple[Referral]]:
    """The referrals of people in `actor`'s scope, filtered, with opening and person."""
    query = visible_referrals(actor).options(
        joinedload(Referral.opening).joinedload(Opening.employer), joinedload(Referral.person)
    )
    if filters.town:
        query = query.join(Opening, Opening.id == Referral.opening_id).where(
            Opening.town == filters.town
        )
    if filters.office_id:
        query = query.where(Referral.office_id == filters.office_id)
    if filters.status:
        query = query.where(Referral.status == filters.status)
    if filters.opening_id:
        query = query.where(Referral.opening_id == filters.opening_id)
    if filters.person_id:
        query = query.where(Referral.person_id == filters.person_id)
    return query


def follow_ups_of(referral: Referral) -> list[FollowUp]:
    return list(
        db.session.scalars(
            select(FollowUp).where(FollowUp.referral_id == referral.id).order_by(FollowUp.months)
        )
    )


def awaiting_outcome(actor: User) -> int:
    query = visible_referrals(actor).where(Referral.status == ReferralStatus.REFERRED)
    return int(db.session.scalar(query.with_only_columns(func.count())) or 0)


def in_work(actor: User) -> int:
    query = visible_referrals(actor).where(Referral.status == ReferralStatus.HIRED)
    return int(db.session.scalar(query.with_only_columns(func.count())) or 0)
