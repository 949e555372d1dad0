from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from core.audit_actions import AuditAction
from core.db import db
from core.errors import Conflict, NotFound, PermissionDenied, PublicationRefused, ValidationFailed
from core.needs import services as needs
from core.needs.models import Need, NeedStatus
from core.needs.priority import compute_priority
from core.users import Role
from tests.factories import (
    approved_need,
    audit_events,
    audit_trail,
    make_need,
    make_person,
    make_unit,
    make_user,
    need_input,
)


@pytest.fixture()
def office(ctx):
    return make_unit()


@pytest.fixture()
def author(office):
    return make_user(Role.OFFICER, office)


@pytest.fixture()
def reviewer(office):
    return make_user(Role.SOCIAL_WORKER, office)


def test_need_workflow_to_published(author, reviewer, office):
    person = make_person(author, office)
    need = approved_need(author, reviewer, person)
    assert need.status == NeedStatus.APPROVED and need.reviewed_by_id == reviewer.id
    published = needs.publish_need(author, need.id)
    assert published.status == NeedStatus.PUBLISHED and published.published_at is not None


def test_author_cannot_review_own_need(author, office):
    need = make_need(author, make_person(author, office))
    needs.submit_need(author, need.id)
    with pytest.raises(PermissionDenied):
        needs.review_need(author, need.id, approve=True)
    db.session.rollback()
    assert db.session.get_one(Need, need.id).status == NeedStatus.SUBMITTED


def test_return_needs_a_note(author, reviewer, office):
    need = make_need(author, make_person(author, office))
    needs.submit_need(author, need.id)
    with pytest.raises(ValidationFailed):
        needs.review_need(reviewer, need.id, approve=False)
    db.session.rollback()
    assert needs.review_need(reviewer, need.id, False, "金额需核实").status == NeedStatus.DRAFT


def test_edit_after_submission_sends_need_back_to_draft(author, office):
    need = make_need(author, make_person(author, office))
    needs.submit_need(author, need.id)
    edited = needs.update_need(author, need.id, need_input(amount_fen=150_000))
    assert edited.status == NeedStatus.DRAFT and edited.amount_fen == 150_000


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount_fen": -500}, "amount_fen"),
        ({"amount_fen": 0}, "amount_fen"),
        ({"deadline": date(2000, 1, 1)}, "deadline"),
        ({"urgency": 9}, "urgency"),
        ({"category": "holiday"}, "category"),
    ],
)
def test_invalid_need_refused_and_nothing_saved(author, office, change, field):
    person = make_person(author, office)
    with pytest.raises(ValidationFailed) as raised:
        make_need(author, person, **change)
    assert raised.value.field == field
    db.session.rollback()
    assert db.session.scalars(select(Need).where(Need.person_id == person.id)).all() == []


IDENTIFYING = [
    ("请拨打 138 1234 5678 联系。", "The story contains a phone number."),
    ("电话１３８１２３４５６７８", "The story contains a phone number."),
    ("座机0750-2212345", "The story contains a phone number."),
    ("证件 440783198503141234", "The story contains an ID-card number."),
    ("张三明手术后需要康复。", "The story contains the person's name."),
]


@pytest.mark.parametrize(("story", "reason"), IDENTIFYING)
def test_identifying_story_is_refused_when_written(author, office, story, reason):
    person = make_person(author, office, name="张三明")
    with pytest.raises(ValidationFailed) as refused:
        make_need(author, person, story=story)
    assert (refused.value.field, refused.value.message) == ("story", reason)
    db.session.rollback()
    assert db.session.scalars(select(Need).where(Need.person_id == person.id)).all() == []


@pytest.mark.parametrize(("story", "reason"), IDENTIFYING)
def test_identifying_story_is_refused_on_edit(author, office, story, reason):
    need = make_need(author, make_person(author, office, name="张三明"))
    with pytest.raises(ValidationFailed) as refused:
        needs.update_need(author, need.id, need_input(story=story))
    assert (refused.value.field, refused.value.message) == ("story", reason)
    db.session.rollback()
    assert db.session.get_one(Need, need.id).story != story


def _slip_in(need_id: int, story: str) -> None:
    """A story written before the check ran at saving (older data)."""
    db.session.execute(update(Need).where(Need.id == need_id).values(story=story))
    db.session.expire_all()


@pytest.mark.parametrize(("story", "reason"), IDENTIFYING)
def test_identifying_story_stops_submission_approval_and_publication(
    author, reviewer, office, story, reason
):
    person = make_person(author, office, name="张三明")
    draft = make_need(author, person)
    _slip_in(draft.id, story)
    with pytest.raises(ValidationFailed) as at_submit:
        needs.submit_need(author, draft.id)
    assert at_submit.value.message == reason
    db.session.rollback()

    submitted = make_need(author, person)
    needs.submit_need(author, submitted.id)
    _slip_in(submitted.id, story)
    with pytest.raises(PublicationRefused) as at_review:
        needs.review_need(reviewer, submitted.id, approve=True)
    assert reason in at_review.value.reasons  # the reviewer sees why
    db.session.rollback()

    approved = approved_need(author, reviewer, person)
    _slip_in(approved.id, story)
    with pytest.raises(PublicationRefused) as at_publication:
        needs.publish_need(author, approved.id)
    assert reason in at_publication.value.reasons
    assert db.session.get_one(Need, approved.id).status == NeedStatus.APPROVED


def test_anyone_who_edited_a_need_may_not_review_it(author, reviewer, office):
    need = make_need(author, make_person(author, office))
    # The would-be reviewer raises the amount and rewrites the story ...
    needs.update_need(reviewer, need.id, need_input(amount_fen=99_999_900, story="新的情况说明"))
    # ... then the author submits it: the editor is now out of its review.
    needs.submit_need(author, need.id)
    with pytest.raises(PermissionDenied):
        needs.review_need(reviewer, need.id, approve=True)
    db.session.rollback()
    assert db.session.get_one(Need, need.id).status == NeedStatus.SUBMITTED
    third = make_user(Role.SOCIAL_WORKER, office)
    assert needs.review_need(third, need.id, approve=True).status == NeedStatus.APPROVED


@pytest.mark.parametrize("published", [False, True])
def test_editing_a_reviewed_story_or_amount_sends_it_back_to_review(
    author, reviewer, office, published
):
    need = approved_need(author, reviewer, make_person(author, office))
    if published:
        needs.publish_need(author, need.id)
    edited = needs.update_need(author, need.id, need_input(story="康复期间需要生活补助。"))
    assert edited.status == NeedStatus.SUBMITTED and edited.reviewed_by_id is None
    # The first reviewer did not edit it and may approve again; the editor may not.
    with pytest.raises(PermissionDenied):
        needs.review_need(author, need.id, approve=True)
    db.session.rollback()
    assert needs.review_need(reviewer, need.id, approve=True).status == NeedStatus.APPROVED


def test_a_reviewed_need_edited_without_changing_story_or_amount_stays_reviewed(
    author, reviewer, office
):
    need = approved_need(author, reviewer, make_person(author, office))
    edited = needs.update_need(author, need.id, need_input(urgency=5))
    assert edited.status == NeedStatus.APPROVED


def test_publication_refused_without_consent(author, reviewer, office):
    person = make_person(author, office, consent_publication=False)
    need = approved_need(author, reviewer, person)
    with pytest.raises(PublicationRefused) as refused:
        needs.publish_need(author, need.id)
    assert refused.value.reasons == ["The person has not consented to anonymous publication."]


def test_publication_refused_for_minor(office):
    admin = make_user(Role.ADMIN)
    auditor_like = make_user(Role.OFFICER, office, juvenile=True)
    need = approved_need(auditor_like, admin, make_person(admin, office, minor=True))
    with pytest.raises(PublicationRefused) as refused:
        needs.publish_need(admin, need.id)
    assert "Needs of minors are never published." in refused.value.reasons


def test_publication_refused_before_review(author, office):
    need = make_need(author, make_person(author, office))
    with pytest.raises(PublicationRefused):
        needs.publish_need(author, need.id)


def test_need_out_of_scope_is_not_found(author, office):
    other = make_unit(town="金鸡镇")
    stranger = make_user(Role.OFFICER, other)
    need = make_need(author, make_person(author, office))
    with pytest.raises(NotFound):
        needs.get_need(stranger, need.id)


def test_funding_moves_only_forward(author, reviewer, office):
    from core.audit import Actor

    need = approved_need(author, reviewer, make_person(author, office))
    needs.publish_need(author, need.id)
    needs.move_need_status(need.id, NeedStatus.FUNDED, Actor.system())
    with pytest.raises(Conflict):
        needs.move_need_status(need.id, NeedStatus.APPROVED, Actor.system())


def test_priority_formula():
    today = date(2026, 11, 26)
    base = compute_priority(3, 2, None, today + timedelta(days=60), today)
    assert base == 3 * 20 + 2 * 12
    waited = compute_priority(3, 2, today - timedelta(days=70), today + timedelta(days=60), today)
    assert waited == base + 10
    capped = compute_priority(3, 2, today - timedelta(days=1000), today + timedelta(days=60), today)
    assert capped == base + 26
    assert compute_priority(3, 2, None, today + timedelta(days=5), today) == base + 10
    assert compute_priority(5, 1, None, today + timedelta(days=60), today) > compute_priority(
        1, 5, today - timedelta(days=1000), today + timedelta(days=60), today
    )


def test_writing_viewing_and_reviewing_a_need_are_on_the_record_with_who_did_them(
    author, reviewer, office
):
    need = make_need(author, make_person(author, office))
    needs.update_need(author, need.id, need_input(amount_fen=120_000))
    needs.submit_need(author, need.id)
    needs.review_need(reviewer, need.id, False, "请补充诊断证明")
    needs.view_need(reviewer, need.id)
    needs.cancel_need(author, need.id, "已获其他救助")

    assert audit_trail("need", need.id) == [
        (AuditAction.NEED_CREATE, author.id),
        (AuditAction.NEED_UPDATE, author.id),
        (AuditAction.NEED_SUBMIT, author.id),
        (AuditAction.NEED_RETURN, reviewer.id),
        (AuditAction.NEED_VIEW, reviewer.id),
        (AuditAction.NEED_CANCEL, author.id),
    ]
    [viewed] = audit_events(AuditAction.NEED_VIEW, need.id)
    assert viewed.office_id == office.id


def test_funding_moves_are_on_the_record_as_the_wing_that_moved_them(author, reviewer, office):
    from core.audit import Actor

    paid_out = approved_need(author, reviewer, make_person(author, office))
    withdrawn = approved_need(author, reviewer, make_person(author, office))
    for need in (paid_out, withdrawn):
        needs.publish_need(author, need.id)
    wing = Actor.system("donations")

    needs.move_need_status(paid_out.id, NeedStatus.FUNDED, wing)
    needs.move_need_status(paid_out.id, NeedStatus.DISBURSED, wing)
    needs.move_need_status(paid_out.id, NeedStatus.CLOSED, wing, "paid and reported")
    needs.move_need_status(withdrawn.id, NeedStatus.CANCELLED, wing)

    # After create, submit, approve and publish by staff: the wing's three moves.
    assert audit_trail("need", paid_out.id)[4:] == [
        (AuditAction.NEED_FUNDED, None),
        (AuditAction.NEED_DISBURSED, None),
        (AuditAction.NEED_CLOSED, None),
    ]
    [cancelled] = audit_events(AuditAction.NEED_CANCELLED, withdrawn.id)
    assert (cancelled.actor_label, cancelled.object_type) == ("donations", "need")
    assert db.session.get_one(Need, paid_out.id).closed_at is not None
