"""Needs through the web: amounts in yuan, review by a second person, guarded publication."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from markupsafe import escape
from sqlalchemy import select

from core.db import db
from core.needs.models import Need, NeedStatus
from core.needs.services import submit_need
from core.orgs import OrgUnit
from core.people.models import Person
from core.users import Role, User
from tests.factories import (
    approved_need,
    audit_events,
    make_need,
    make_person,
    make_unit,
    make_user,
)
from tests.pages import english, html, login
from tests.portal import test_web_harness as harness
from tests.portal.test_web_harness import count, new_client

web = harness.web

CLEAN_STORY = "本人手术后需康复治疗，暂时无法工作，医疗费用存在缺口。"


def _form(**changes: str) -> dict[str, str]:
    data = {
        "category": "medical",
        "title": "康复治疗费用",
        "amount": "1200.50",
        "deadline": (date.today() + timedelta(days=30)).isoformat(),  # noqa: DTZ011
        "urgency": "3",
        "hardship": "4",
        "story": CLEAN_STORY,
    }
    data.update(changes)
    return data


def _need(need_id: int) -> Need:
    db.session.expire_all()
    return db.session.get_one(Need, need_id)


@pytest.fixture()
def office(web, ctx) -> dict[str, int]:
    """An office with two officers (author and reviewer) and one person."""
    unit = make_unit()
    author = make_user(Role.OFFICER, unit)
    reviewer = make_user(Role.OFFICER, unit)
    person = make_person(author, unit)
    return {
        "office": unit.id,
        "author": author.id,
        "reviewer": reviewer.id,
        "person": person.id,
    }


def _user(user_id: int) -> User:
    return db.session.get_one(User, user_id)


def _person(person_id: int) -> Person:
    return db.session.get_one(Person, person_id)


def _office(office_id: int) -> OrgUnit:
    return db.session.get_one(OrgUnit, office_id)


def _as(client, user_id: int):
    login(client, _user(user_id).username)
    english(client)
    return client


AMOUNT_ERRORS = {
    "-5": "Enter an amount in yuan, e.g. 1200 or 1200.50.",
    "abc": "Enter an amount in yuan, e.g. 1200 or 1200.50.",
    "0": "The amount must be greater than zero.",
    "12.345": "Enter an amount in yuan, e.g. 1200 or 1200.50.",
}


@pytest.mark.parametrize("amount", AMOUNT_ERRORS)
def test_bad_amount_is_refused_and_saves_nothing(web, office, amount):
    _as(web, office["author"])
    before = count(Need)

    response = web.post(f"/persons/{office['person']}/needs/new", data=_form(amount=amount))

    assert response.status_code == 200
    assert AMOUNT_ERRORS[amount] in html(response)
    assert count(Need) == before


def test_amount_in_yuan_is_stored_as_fen(web, office):
    _as(web, office["author"])

    response = web.post(f"/persons/{office['person']}/needs/new", data=_form(amount="1200.50"))

    assert response.status_code == 302
    need_id = int(response.location.rsplit("/", 1)[1])
    need = _need(need_id)
    assert need.amount_fen == 120050
    assert need.status == NeedStatus.DRAFT
    assert need.created_by_id == office["author"]
    assert "¥1,200.50" in html(web.get(f"/needs/{need_id}"))


def test_author_cannot_approve_and_a_second_officer_can(web, office, app):
    author = _as(web, office["author"])
    created = author.post(f"/persons/{office['person']}/needs/new", data=_form())
    need_id = int(created.location.rsplit("/", 1)[1])
    review_url = f"/needs/{need_id}/review"

    assert author.post(f"/needs/{need_id}/submit").status_code == 302
    assert _need(need_id).status == NeedStatus.SUBMITTED
    assert f'action="{review_url}"' not in html(author.get(f"/needs/{need_id}"))
    refused = author.post(review_url, data={"approve": "y"}, follow_redirects=True)
    assert "A need must be reviewed by someone who did not write or edit it." in html(refused)
    assert _need(need_id).status == NeedStatus.SUBMITTED
    assert audit_events("need.approve") == []

    reviewer = _as(new_client(app), office["reviewer"])
    assert f'action="{review_url}"' in html(reviewer.get(f"/needs/{need_id}"))
    assert reviewer.post(review_url, data={"approve": "y"}).status_code == 302

    need = _need(need_id)
    assert need.status == NeedStatus.APPROVED
    assert need.reviewed_by_id == office["reviewer"]
    assert [e.actor_id for e in audit_events("need.approve", need_id)] == [office["reviewer"]]


def test_returning_a_need_to_its_author_needs_a_note(web, office):
    need_id = make_need(_user(office["author"]), _person(office["person"])).id
    submit_need(_user(office["author"]), need_id)
    reviewer = _as(web, office["reviewer"])

    refused = reviewer.post(
        f"/needs/{need_id}/review", data={"send_back": "y"}, follow_redirects=True
    )

    assert "Say why the need is returned." in html(refused)
    assert _need(need_id).status == NeedStatus.SUBMITTED
    reviewer.post(f"/needs/{need_id}/review", data={"send_back": "y", "note": "补充医院证明"})
    need = _need(need_id)
    assert need.status == NeedStatus.DRAFT
    assert need.status_note == "补充医院证明"


def test_officer_of_another_office_cannot_review(web, office):
    need_id = make_need(_user(office["author"]), _person(office["person"])).id
    submit_need(_user(office["author"]), need_id)
    outsider = make_user(Role.OFFICER, make_unit(town="水口镇"))
    _as(web, outsider.id)

    response = web.post(f"/needs/{need_id}/review", data={"approve": "y"})

    assert response.status_code == 404
    assert _need(need_id).status == NeedStatus.SUBMITTED


STORY_REFUSALS = {
    "phone_written_with_spaces": (
        CLEAN_STORY + "联系电话 138 1234 5678。",
        "The story contains a phone number.",
    ),
    "phone_in_full_width_digits": (
        CLEAN_STORY + "联系电话１３８ １２３４ ５６７８。",
        "The story contains a phone number.",
    ),
    "phone_with_commas": (CLEAN_STORY + "电话138,1234,5678", "The story contains a phone number."),
    "person_name_in_story": (
        "张三\u200b明手术后需康复治疗，医疗费用存在缺口。",
        "The story contains the person's name.",
    ),
}


@pytest.mark.parametrize("case", STORY_REFUSALS)
def test_identifying_story_is_refused_when_saved_with_the_reason_on_the_form(web, office, case):
    story, reason = STORY_REFUSALS[case]
    _as(web, office["author"])
    before = count(Need)

    response = web.post(f"/persons/{office['person']}/needs/new", data=_form(story=story))

    assert response.status_code == 200
    assert str(escape(reason)) in html(response)
    assert count(Need) == before


def test_publication_without_consent_is_refused_with_the_reason_shown(web, office):
    reason = "The person has not consented to anonymous publication."
    author, reviewer = _user(office["author"]), _user(office["reviewer"])
    person = make_person(author, _office(office["office"]), consent_publication=False)
    need_id = approved_need(author, reviewer, person, story=CLEAN_STORY).id
    _as(web, office["author"])

    response = web.post(f"/needs/{need_id}/publish", follow_redirects=True)

    assert response.status_code == 200
    assert str(escape(reason)) in html(response)
    assert _need(need_id).status == NeedStatus.APPROVED
    refusals = audit_events("need.publish_refused", need_id)
    assert [e.detail["reasons"] for e in refusals] == [[reason]]


def test_the_reviewer_sees_the_reasons_before_approving(web, office):
    author = _user(office["author"])
    person = make_person(author, _office(office["office"]), consent_publication=False)
    need_id = make_need(author, person, story=CLEAN_STORY).id
    submit_need(author, need_id)
    _as(web, office["reviewer"])

    page = html(web.get(f"/needs/{need_id}"))

    assert "The person has not consented to anonymous publication." in page


def test_clean_consented_reviewed_need_is_published(web, office):
    author, reviewer = _user(office["author"]), _user(office["reviewer"])
    need_id = approved_need(author, reviewer, _person(office["person"]), story=CLEAN_STORY).id
    _as(web, office["author"])

    response = web.post(f"/needs/{need_id}/publish", follow_redirects=True)

    assert "Published: donors now see the need card on the project&#39;s map." in html(response)
    need = _need(need_id)
    assert need.status == NeedStatus.PUBLISHED
    assert need.published_by_id == office["author"]
    assert need.published_at is not None
    assert len(audit_events("need.publish", need_id)) == 1


def test_a_need_cannot_be_published_before_review(web, office):
    need_id = make_need(_user(office["author"]), _person(office["person"])).id
    _as(web, office["author"])

    response = web.post(f"/needs/{need_id}/publish", follow_redirects=True)

    assert "The need has not been approved by a second staff member." in html(response)
    assert _need(need_id).status == NeedStatus.DRAFT


def test_publishing_from_the_page_chooses_the_project_and_lists_the_need(web, office):
    from donations.projects.models import NeedListing
    from tests.donations.factories import (
        make_project as make_money_project,
    )

    project_id = make_money_project(make_user(Role.ADMIN))
    author, reviewer = _user(office["author"]), _user(office["reviewer"])
    need_id = approved_need(author, reviewer, _person(office["person"]), story=CLEAN_STORY).id
    _as(web, office["author"])
    page = html(web.get(f"/needs/{need_id}"))
    assert f'<option value="{project_id}">' in page

    refused = web.post(f"/needs/{need_id}/publish", follow_redirects=True)
    assert "Choose the project whose map will show the need." in html(refused)
    assert _need(need_id).status == NeedStatus.APPROVED

    web.post(f"/needs/{need_id}/publish", data={"destination": project_id})

    assert _need(need_id).status == NeedStatus.PUBLISHED
    listing = db.session.scalars(select(NeedListing).where(NeedListing.need_id == need_id)).one()
    assert listing.project_id == project_id


def test_cancelling_a_need_needs_the_confirmation_box_ticked(web, office):
    need_id = make_need(_user(office["author"]), _person(office["person"])).id
    login(web, _user(office["author"]).username)  # in Chinese, the default

    refused = web.post(
        f"/needs/{need_id}/cancel", data={"reason": "已由民政部门解决"}, follow_redirects=True
    )

    assert "请勾选确认：此操作无法撤销。" in html(refused)
    assert _need(need_id).status == NeedStatus.DRAFT
    assert audit_events("need.cancel", need_id) == []

    web.post(f"/needs/{need_id}/cancel", data={"reason": "已由民政部门解决", "confirm": "y"})

    assert _need(need_id).status == NeedStatus.CANCELLED
