"""Vetting rules: what approval needs, which decisions apply, reasons, audit, and the
suspension signal sent inside the suspension's transaction."""

from __future__ import annotations

import pytest

from core.db import db
from core.errors import PermissionDenied
from core.users import Role
from tests.factories import audit_events, make_staff
from tests.volunteers.factories import approve, make_coordinator, make_volunteer
from volunteers.vetting import services as vetting
from volunteers.vetting.errors import VettingInvalid, VettingRefused
from volunteers.vetting.models import Vetting, VettingStatus
from volunteers.vetting.services import Outcome, Step
from volunteers.vetting.signals import volunteer_suspended


def test_a_new_volunteer_is_pending(ctx):
    volunteer_id = make_volunteer().id
    assert vetting.status_of(volunteer_id) is VettingStatus.PENDING
    assert not vetting.is_approved(volunteer_id)
    assert vetting.awaiting_count() >= 1


def test_approval_needs_documents_interview_and_the_pledge(ctx):
    coordinator = make_coordinator()
    volunteer_id = make_volunteer().id
    with pytest.raises(VettingRefused):
        vetting.decide(coordinator, volunteer_id, Outcome.APPROVE, "looks fine")
    vetting.record_step(coordinator, volunteer_id, Step.DOCUMENTS, "身份证")
    vetting.record_step(coordinator, volunteer_id, Step.INTERVIEW, "面谈")
    with pytest.raises(VettingRefused):
        vetting.decide(coordinator, volunteer_id, Outcome.APPROVE, "looks fine")
    vetting.record_step(coordinator, volunteer_id, Step.PLEDGE, "", pledge_version="2025-01")
    vetting.decide(coordinator, volunteer_id, Outcome.APPROVE, "材料齐全")
    assert vetting.is_approved(volunteer_id)
    assert vetting.may_meet_mentees(volunteer_id)
    assert not vetting.may_meet_mentees(volunteer_id, minor=True)
    vetting.record_step(coordinator, volunteer_id, Step.JUVENILE_CLEARANCE, "未成年人工作培训合格")
    assert vetting.may_meet_mentees(volunteer_id, minor=True)
    assert [e.detail["step"] for e in audit_events("vetting.record", volunteer_id)] == [
        "documents",
        "interview",
        "pledge",
        "juvenile_clearance",
    ]
    assert audit_events("vetting.approve", volunteer_id)[0].detail["reason"] == "材料齐全"


def test_every_decision_needs_a_reason(ctx):
    volunteer_id = make_volunteer().id
    with pytest.raises(VettingInvalid):
        vetting.decide(make_coordinator(), volunteer_id, Outcome.REJECT, "   ")
    assert vetting.status_of(volunteer_id) is VettingStatus.PENDING


def test_decisions_apply_only_from_their_states(ctx):
    coordinator = make_coordinator()
    volunteer_id = make_volunteer().id
    with pytest.raises(VettingRefused):
        vetting.decide(coordinator, volunteer_id, Outcome.SUSPEND, "not yet approved")
    vetting.decide(coordinator, volunteer_id, Outcome.REJECT, "材料不全")
    assert vetting.status_of(volunteer_id) is VettingStatus.REJECTED
    assert audit_events("vetting.reject", volunteer_id)
    with pytest.raises(VettingRefused):
        vetting.decide(coordinator, volunteer_id, Outcome.REJECT, "again")


def test_suspension_is_announced_in_its_transaction_and_reinstating_is_approval(ctx):
    coordinator = make_coordinator()
    volunteer_id = make_volunteer().id
    approve(volunteer_id, coordinator)
    heard: list[tuple[int, str, str]] = []

    def listener(sender: Vetting, **kw: object) -> None:
        # Inside the transaction: the row already says suspended, nothing committed yet.
        heard.append((kw["volunteer_id"], kw["reason"], sender.status))  # type: ignore[arg-type]

    with volunteer_suspended.connected_to(listener):
        vetting.decide(coordinator, volunteer_id, Outcome.SUSPEND, "违反守则")
    assert heard == [(volunteer_id, "违反守则", "suspended")]
    assert audit_events("vetting.suspend", volunteer_id)
    vetting.decide(coordinator, volunteer_id, Outcome.APPROVE, "复核后恢复")
    history = [(d.status, d.reason) for d in vetting.decisions_of(volunteer_id)]
    assert history == [
        ("approved", "复核后恢复"),
        ("suspended", "违反守则"),
        ("approved", "材料齐全"),
    ]


def test_a_failing_suspension_handler_undoes_the_suspension(ctx):
    coordinator = make_coordinator()
    volunteer_id = make_volunteer().id
    approve(volunteer_id, coordinator)

    def broken(sender: Vetting, **kw: object) -> None:
        raise RuntimeError("mentoring could not end the pairs")

    with volunteer_suspended.connected_to(broken), pytest.raises(RuntimeError):
        vetting.decide(coordinator, volunteer_id, Outcome.SUSPEND, "违反守则")
    db.session.rollback()
    assert vetting.status_of(volunteer_id) is VettingStatus.APPROVED


@pytest.mark.parametrize("role", [Role.OFFICER, Role.FINANCE, Role.AUDITOR, Role.SOCIAL_WORKER])
def test_only_coordinators_and_admins_vet(ctx, role):
    volunteer_id = make_volunteer().id
    with pytest.raises(PermissionDenied):
        vetting.record_step(make_staff(role), volunteer_id, Step.DOCUMENTS, "身份证")
    with pytest.raises(PermissionDenied):
        vetting.decide(make_staff(role), volunteer_id, Outcome.REJECT, "no")
    vetting.decide(make_staff(Role.ADMIN), volunteer_id, Outcome.REJECT, "admin may")
