"""Offers and the waitlist cascade: a declined, expired or withdrawn seat goes to the
first eligible person waiting; accepting a better seat releases the lower one, which
goes down its own waitlist; each step commits on its own; an expired offer cannot be
accepted; a case that ends or moves takes its applications along."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from core.audit_actions import AuditAction
from core.db import db
from core.errors import Conflict
from core.people import retention, transfers
from core.tasks.models import Task, TaskStatus
from core.users import Role
from jobs_bases.consent.models import SharedField, SubjectKind
from jobs_bases.consent.services import Subject, shared_fields
from jobs_bases.training import applications, courses, offers
from jobs_bases.training.models import (
    Application,
    ApplicationStatus,
    Enrolment,
    EnrolmentStatus,
    Offer,
    OfferSource,
    OfferStatus,
    WaitlistEntry,
    WaitStatus,
)
from tests.factories import audit_events, fresh, make_unit, make_user
from tests.jobs_bases.training_factories import (
    TODAY,
    at,
    course_input,
    make_course,
    make_desk,
    make_round,
    offer_of,
    publish,
)

AFTER_DEADLINE = at(TODAY + timedelta(days=11))


@pytest.fixture()
def chain(ctx):
    """Three one-seat courses A, B, C and four people:
    P1 [A] gets A; P2 [A, B] gets B, waits for A; P3 [B, C] gets C, waits for B;
    P4 [C] gets nothing, waits for C."""
    desk = make_desk()
    training_round = make_round(desk.admin)
    a, b, c = (
        make_course(training_round, admin=desk.admin, title=f"{name}班", seats=1) for name in "ABC"
    )
    p = [
        desk.apply(desk.person(employment_status="unemployed"), [a], now=at(TODAY, 9)),
        desk.apply(desk.person(employment_status="unemployed"), [a, b], now=at(TODAY, 10)),
        desk.apply(desk.person(employment_status="employed"), [b, c], now=at(TODAY, 11)),
        desk.apply(desk.person(employment_status="employed"), [c], now=at(TODAY, 12)),
    ]
    publish(desk.admin, training_round.id, AFTER_DEADLINE)
    return desk, (a, b, c), p


def _status(application_id: int) -> str:
    return str(fresh(Application, application_id).status)


def test_the_chain_starts_as_the_engine_said(chain):
    _desk, (a, b, c), p = chain

    assert offer_of(p[0], a.id).status == OfferStatus.OPEN
    assert offer_of(p[1], b.id).choice_rank == 2
    assert offer_of(p[2], c.id).choice_rank == 2
    assert _status(p[3]) == ApplicationStatus.WAITLISTED


def test_accepting_records_the_consent_of_this_enrolment(chain):
    desk, (a, _b, _c), p = chain

    enrolment = offers.accept_offer(
        desk.officer, offer_of(p[0], a.id).id, [SharedField.NAME], now=AFTER_DEADLINE
    )

    assert enrolment.status == EnrolmentStatus.ENROLLED and enrolment.alias.startswith("T-")
    assert shared_fields(Subject(SubjectKind.ENROLMENT, enrolment.id)) == {SharedField.NAME}
    assert _status(p[0]) == ApplicationStatus.ENROLLED
    assert audit_events(AuditAction.TRAINING_OFFER_ACCEPT, offer_of(p[0], a.id).id)
    assert audit_events(AuditAction.CONSENT_RECORD)


def test_a_declined_seat_goes_to_the_first_in_line(chain):
    desk, (a, b, _c), p = chain

    offers.decline_offer(desk.officer, offer_of(p[0], a.id).id, now=AFTER_DEADLINE)

    from_waitlist = offer_of(p[1], a.id)
    assert from_waitlist.status == OfferStatus.OPEN
    assert from_waitlist.source == OfferSource.WAITLIST and from_waitlist.choice_rank == 1
    # P2 holds both seats until they answer.
    assert offer_of(p[1], b.id).status == OfferStatus.OPEN
    assert _status(p[0]) == ApplicationStatus.UNPLACED
    assert audit_events(AuditAction.TRAINING_OFFER_DECLINE)
    assert db.session.scalar(
        select(Task).where(Task.dedupe_key == f"training-offer:{from_waitlist.id}")
    )


def test_accepting_the_better_seat_releases_the_other_down_its_own_waitlist(chain):
    desk, (a, b, c), p = chain
    offers.decline_offer(desk.officer, offer_of(p[0], a.id).id, now=AFTER_DEADLINE)

    offers.accept_offer(desk.officer, offer_of(p[1], a.id).id, now=AFTER_DEADLINE)

    assert offer_of(p[1], b.id).status == OfferStatus.RELEASED
    assert offer_of(p[2], b.id).status == OfferStatus.OPEN  # B went to P3
    assert audit_events(AuditAction.TRAINING_OFFER_RELEASE)

    # P3 had C; accepting B releases C to P4, one more step.
    offers.accept_offer(desk.officer, offer_of(p[2], b.id).id, now=AFTER_DEADLINE)

    assert offer_of(p[2], c.id).status == OfferStatus.RELEASED
    assert offer_of(p[3], c.id).status == OfferStatus.OPEN
    assert [_status(i) for i in p] == ["unplaced", "enrolled", "enrolled", "offered"]
    # Nobody waits for a course worse than the one they hold.
    waiting = db.session.scalars(
        select(WaitlistEntry).where(WaitlistEntry.status == WaitStatus.WAITING)
    ).all()
    assert waiting == []


def test_an_accepted_lower_seat_is_released_too(chain):
    desk, (a, b, _c), p = chain
    lower = offers.accept_offer(desk.officer, offer_of(p[1], b.id).id, now=AFTER_DEADLINE)
    offers.decline_offer(desk.officer, offer_of(p[0], a.id).id, now=AFTER_DEADLINE)

    offers.accept_offer(desk.officer, offer_of(p[1], a.id).id, now=AFTER_DEADLINE)

    assert fresh(Enrolment, lower.id).status == EnrolmentStatus.WITHDRAWN
    assert offer_of(p[2], b.id).status == OfferStatus.OPEN


def test_an_expired_offer_is_refused_with_its_date_even_before_the_job(chain):
    desk, (a, _b, _c), p = chain
    offer = offer_of(p[0], a.id)
    too_late = offer.expires_at + timedelta(minutes=1)

    with pytest.raises(Conflict) as refused:
        offers.accept_offer(desk.officer, offer.id, now=too_late)

    assert refused.value.params == {"date": (TODAY + timedelta(days=18)).isoformat()}
    assert "expired" in refused.value.message
    db.session.rollback()
    assert db.session.scalar(select(Enrolment.id)) is None
    assert offer_of(p[0], a.id).status == OfferStatus.OPEN


def test_the_expiry_job_passes_seats_down_the_waitlists(chain):
    desk, (a, b, c), p = chain
    later = offer_of(p[0], a.id).expires_at + timedelta(hours=1)

    assert offers.expire_offers(later) == 3  # every offer made at publication

    assert offer_of(p[0], a.id).status == OfferStatus.EXPIRED
    # Each seat went to the first still waiting for it: A to P2, B to P3, C to P4.
    assert offer_of(p[1], a.id).status == OfferStatus.OPEN
    assert offer_of(p[2], b.id).status == OfferStatus.OPEN
    assert offer_of(p[3], c.id).status == OfferStatus.OPEN
    assert len(audit_events(AuditAction.TRAINING_OFFER_EXPIRE)) == 3
    closed = db.session.scalars(
        select(Task).where(Task.dedupe_key == f"training-offer:{offer_of(p[0], a.id).id}")
    ).all()
    assert [t.status for t in closed] == [TaskStatus.DONE]
    with pytest.raises(Conflict):
        offers.accept_offer(desk.officer, offer_of(p[0], a.id).id, now=later)


def test_nothing_is_offered_once_the_course_has_started(chain):
    desk, (a, _b, _c), p = chain
    first_day = at(a.starts_on)

    offers.decline_offer(desk.officer, offer_of(p[0], a.id).id, now=first_day)

    assert (
        db.session.scalar(
            select(Offer).where(Offer.application_id == p[1], Offer.course_id == a.id)
        )
        is None
    )


def test_a_withdrawn_applicant_is_passed_over_on_the_waitlist(chain):
    desk, (a, b, _c), p = chain
    applications.withdraw_application(desk.officer, p[1], "不参加了", now=AFTER_DEADLINE)

    offers.decline_offer(desk.officer, offer_of(p[0], a.id).id, now=AFTER_DEADLINE)

    # P2 left: their B went to P3 at once, and nobody else waits for A.
    assert offer_of(p[2], b.id).status == OfferStatus.OPEN
    assert (
        db.session.scalar(
            select(Offer).where(Offer.course_id == a.id, Offer.status == OfferStatus.OPEN)
        )
        is None
    )
    assert _status(p[1]) == ApplicationStatus.WITHDRAWN


def test_a_cascade_step_cut_short_is_caught_up_by_the_job(chain, monkeypatch):
    desk, (a, _b, _c), p = chain
    real = offers.fill_free_seats

    def lock_timeout(course_id, *, now=None):
        raise OperationalError("SELECT ... FOR UPDATE", {}, Exception("lock timeout"))

    monkeypatch.setattr(offers, "fill_free_seats", lock_timeout)
    offers.decline_offer(desk.officer, offer_of(p[0], a.id).id, now=AFTER_DEADLINE)
    # The answer committed; the seat is still free.
    assert offer_of(p[0], a.id).status == OfferStatus.DECLINED
    assert (
        db.session.scalar(
            select(Offer).where(Offer.application_id == p[1], Offer.course_id == a.id)
        )
        is None
    )

    monkeypatch.setattr(offers, "fill_free_seats", real)
    offers.periodic(AFTER_DEADLINE)

    assert offer_of(p[1], a.id).status == OfferStatus.OPEN


def test_a_seat_cut_after_the_offers_leaves_nothing_to_accept(chain):
    desk, (_a, b, _c), p = chain
    data = course_input(b.round, b.partner, seats=0)
    data.title, data.trade = b.title, b.trade
    courses.save_course(desk.admin, b.id, data)

    with pytest.raises(Conflict) as refused:
        offers.accept_offer(desk.officer, offer_of(p[1], b.id).id, now=AFTER_DEADLINE)

    assert "last seat" in refused.value.message


def test_an_ended_case_gives_its_seat_to_the_next_in_line(chain):
    desk, (a, _b, _c), p = chain
    person_id = fresh(Application, p[0]).person_id
    offers.accept_offer(desk.officer, offer_of(p[0], a.id).id, now=AFTER_DEADLINE)

    retention.end_case(desk.officer, person_id, TODAY)

    assert _status(p[0]) == ApplicationStatus.WITHDRAWN
    assert offer_of(p[0], a.id).status == OfferStatus.WITHDRAWN
    assert db.session.scalar(select(Enrolment.status).where(Enrolment.person_id == person_id)) == (
        EnrolmentStatus.WITHDRAWN
    )
    assert offer_of(p[1], a.id).status == OfferStatus.OPEN
    assert audit_events(AuditAction.TRAINING_OFFER_WITHDRAW)


def test_a_transfer_moves_applications_offers_and_tasks(chain):
    desk, (a, _b, _c), p = chain
    application = fresh(Application, p[0])
    target = make_unit(town="水口镇")
    receiver = make_user(Role.OFFICER, target)
    transfer = transfers.request_transfer(desk.officer, application.person_id, target.id, "搬家")

    transfers.decide_transfer(receiver, transfer.id, accept=True)

    assert fresh(Application, p[0]).office_id == target.id
    offer = offer_of(p[0], a.id)
    assert offer.office_id == target.id
    task = db.session.scalar(select(Task).where(Task.dedupe_key == f"training-offer:{offer.id}"))
    assert task is not None and task.scope_unit_id == target.id
    # The new office answers for the person now; the old one no longer sees them.
    offers.accept_offer(receiver, offer.id, now=AFTER_DEADLINE)
