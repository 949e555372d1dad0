"""Consent per enrolment, placement and referral: recorded with what may be shared, read
live, withdrawn at once, and ended with the case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.audit_actions import AuditAction
from core.db import db
from core.errors import NotFound, PermissionDenied
from core.people import retention
from core.timeutil import local_today
from core.users import Role
from jobs_bases.consent.models import Audience, Consent, SharedField, SubjectKind
from jobs_bases.consent.services import (
    Subject,
    live_consent,
    may_share,
    record_consent,
    shared_fields,
    withdraw_consent,
)
from tests.factories import audit_events, make_person, make_unit, make_user

PLACEMENT = Subject(SubjectKind.PLACEMENT, 9001)
REFERRAL = Subject(SubjectKind.REFERRAL, 9001)


@pytest.fixture()
def officer_and_person(ctx):
    office = make_unit()
    officer = make_user(Role.OFFICER, office)
    return officer, make_person(officer, office)


def test_consent_names_what_may_be_shared_and_with_whom(officer_and_person):
    officer, person = officer_and_person

    consent = record_consent(officer, person.id, PLACEMENT, [SharedField.NAME])

    assert consent.audience == Audience.BASE and consent.given_by_id == officer.id
    assert may_share(PLACEMENT, SharedField.NAME)
    assert not may_share(PLACEMENT, SharedField.PHONE)
    assert not may_share(PLACEMENT, SharedField.OFFENCE)
    # The same id of another kind of subject is another consent.
    assert shared_fields(REFERRAL) == frozenset()
    [recorded] = audit_events(AuditAction.CONSENT_RECORD, consent.id)
    assert recorded.detail == {"person": person.id, "subject": "placement:9001", "fields": ["name"]}


def test_withdrawal_ends_sharing_at_once_and_keeps_the_record(officer_and_person):
    officer, person = officer_and_person
    consent = record_consent(officer, person.id, PLACEMENT, list(SharedField))

    withdraw_consent(officer, person.id, PLACEMENT, "本人要求撤回")

    assert shared_fields(PLACEMENT) == frozenset()
    kept = db.session.get_one(Consent, consent.id)
    assert kept.withdrawn_at is not None and kept.withdrawn_by_id == officer.id
    assert kept.withdrawal_reason == "本人要求撤回"
    assert audit_events(AuditAction.CONSENT_WITHDRAW, consent.id)


def test_a_new_consent_replaces_the_live_one(officer_and_person):
    officer, person = officer_and_person
    first = record_consent(officer, person.id, PLACEMENT, [SharedField.NAME, SharedField.PHONE])

    second = record_consent(officer, person.id, PLACEMENT, [SharedField.NAME])

    assert live_consent(PLACEMENT) == second
    assert db.session.get_one(Consent, first.id).withdrawal_reason == "replaced"
    assert shared_fields(PLACEMENT) == {SharedField.NAME}


def test_only_staff_of_the_persons_office_record_or_withdraw(officer_and_person):
    officer, person = officer_and_person
    stranger = make_user(Role.OFFICER, make_unit(town="水口镇"))
    auditor = make_user(Role.AUDITOR)
    record_consent(officer, person.id, PLACEMENT, [SharedField.NAME])

    with pytest.raises(NotFound):
        record_consent(stranger, person.id, REFERRAL, [SharedField.NAME])
    db.session.rollback()
    with pytest.raises(NotFound):
        withdraw_consent(stranger, person.id, PLACEMENT)
    db.session.rollback()
    with pytest.raises(PermissionDenied):
        withdraw_consent(auditor, person.id, PLACEMENT)
    db.session.rollback()

    assert may_share(PLACEMENT, SharedField.NAME)
    assert live_consent(REFERRAL) is None


def test_an_ended_case_withdraws_every_consent_in_the_same_transaction(officer_and_person):
    officer, person = officer_and_person
    record_consent(officer, person.id, PLACEMENT, [SharedField.NAME])
    record_consent(officer, person.id, REFERRAL, [SharedField.PHONE])

    retention.end_case(officer, person.id, local_today() - timedelta(days=1))

    assert shared_fields(PLACEMENT) == frozenset() and shared_fields(REFERRAL) == frozenset()
    reasons = set(
        db.session.scalars(select(Consent.withdrawal_reason).where(Consent.person_id == person.id))
    )
    assert reasons == {"case ended"}
