"""Editing a need that is already on the map: back to review, card hidden, amount floor."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.db import db
from core.errors import NotFound, ValidationFailed
from core.needs.models import Need, NeedStatus
from core.needs.services import publish_need, review_need, update_need
from core.orgs import OrgUnit
from core.users import Role
from donations.giving.models import Donation
from donations.projects.cards import public_listing
from donations.projects.models import NeedListing
from tests.donations.factories import (
    give,
    list_need,
    need_status,
)
from tests.donations.factories import (
    make_project as make_money_project,
)
from tests.factories import (
    approved_need,
    fresh,
    make_office,
    make_person,
    make_staff,
    need_input,
    user,
)

pytestmark = pytest.mark.usefixtures("ctx")


@pytest.fixture()
def listed():
    admin = make_staff(Role.ADMIN)
    project_id = make_money_project(admin)
    office = make_office()
    listing_id = list_need(office, project_id, 100_000)
    return {"office": office, "project_id": project_id, "listing_id": listing_id}


def _need_id(listing_id: str) -> int:
    return int(fresh(NeedListing, listing_id).need_id)


def test_a_new_story_hides_the_card_until_approved_and_published_again(listed):
    office, listing_id = listed["office"], listed["listing_id"]
    author = user(office.author_id)
    assert public_listing(listing_id) is not None

    update_need(author, _need_id(listing_id), need_input(story="康复期间需要生活补助。"))

    assert need_status(listing_id) == NeedStatus.SUBMITTED
    assert public_listing(listing_id) is None
    # A gift paid meanwhile is not taken by the hidden need: it goes to the pool.
    gift = give(listed["project_id"], 10_000, listing_id=listing_id)
    assert db.session.get_one(Donation, gift).redirected_to_pool
    review_need(user(office.reviewer_id), _need_id(listing_id), approve=True)
    assert public_listing(listing_id) is None
    publish_need(author, _need_id(listing_id))
    assert public_listing(listing_id) is not None


def test_the_amount_never_goes_below_what_was_raised(listed):
    office, listing_id = listed["office"], listed["listing_id"]
    give(listed["project_id"], 60_000, listing_id=listing_id)
    author = user(office.author_id)

    with pytest.raises(ValidationFailed) as refused:
        update_need(author, _need_id(listing_id), need_input(amount_fen=50_000))
    assert refused.value.field == "amount_fen"
    db.session.rollback()
    assert fresh(NeedListing, listing_id).amount_fen == 100_000

    update_need(author, _need_id(listing_id), need_input(amount_fen=80_000))
    listing = fresh(NeedListing, listing_id)
    assert (listing.amount_fen, listing.raised_fen) == (80_000, 60_000)
    assert need_status(listing_id) == NeedStatus.SUBMITTED


def test_publishing_with_a_project_puts_the_card_on_its_map_in_one_step():
    admin = make_staff(Role.ADMIN)
    project_id = make_money_project(admin)
    office = make_office()
    author, reviewer = user(office.author_id), user(office.reviewer_id)
    person = make_person(author, db.session.get_one(OrgUnit, office.unit_id))
    need = approved_need(author, reviewer, person)

    publish_need(author, need.id, destination=project_id)

    listing = db.session.scalars(select(NeedListing).where(NeedListing.need_id == need.id)).one()
    assert listing.project_id == project_id
    assert public_listing(listing.id) is not None


def test_publishing_on_a_closed_or_unknown_project_publishes_nothing():
    admin = make_staff(Role.ADMIN)
    office = make_office()
    author, reviewer = user(office.author_id), user(office.reviewer_id)
    person = make_person(author, db.session.get_one(OrgUnit, office.unit_id))
    need = approved_need(author, reviewer, person)

    with pytest.raises(NotFound):
        publish_need(author, need.id, destination="no-such-project")
    db.session.rollback()
    assert need_status_of(need.id) == NeedStatus.APPROVED
    assert make_money_project(admin)  # an active project exists, the need stays off it
    assert db.session.scalars(select(NeedListing).where(NeedListing.need_id == need.id)).all() == []


def need_status_of(need_id: int) -> str:
    return db.session.scalars(
        select(Need.status).where(Need.id == need_id).execution_options(populate_existing=True)
    ).one()
