"""Vetting as use cases: the checks a coordinator records, and the decisions.

Who may do it: coordinators and admins (`VETTERS`); auditors read. Volunteers serve
the whole county, so vetting has no office scope.

Rules:
- approving needs the documents seen, an interview note and the signed
  confidentiality pledge on record; training and juvenile clearance are recorded
  when done and granted (mentoring asks for the clearance before pairing a minor);
- approve from pending, rejected or suspended (reinstating); reject only a pending
  volunteer (an approved one is suspended instead); suspend only an approved one;
- every decision has a reason, is kept in the history and audited; a suspension
  sends `volunteer_suspended` in the same transaction (vetting.signals).
"""

from __future__ import annotations

import enum

from sqlalchemy import func, select

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.errors import NotFound, PermissionDenied
from core.users import Role, User
from volunteers.accounts.models import Volunteer
from volunteers.vetting.errors import VettingInvalid, VettingRefused
from volunteers.vetting.models import Vetting, VettingDecision, VettingStatus
from volunteers.vetting.signals import volunteer_suspended

VETTERS = frozenset({Role.ADMIN, Role.COORDINATOR})
READERS = VETTERS | {Role.AUDITOR}
MAX_NOTE = 1000


class Step(enum.StrEnum):
    DOCUMENTS = "documents"
    INTERVIEW = "interview"
    PLEDGE = "pledge"
    TRAINING = "training"
    JUVENILE_CLEARANCE = "juvenile_clearance"


class Outcome(enum.StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    SUSPEND = "suspend"


_FROM = {
    Outcome.APPROVE: {VettingStatus.PENDING, VettingStatus.REJECTED, VettingStatus.SUSPENDED},
    Outcome.REJECT: {VettingStatus.PENDING},
    Outcome.SUSPEND: {VettingStatus.APPROVED},
}
_TO = {
    Outcome.APPROVE: VettingStatus.APPROVED,
    Outcome.REJECT: VettingStatus.REJECTED,
    Outcome.SUSPEND: VettingStatus.SUSPENDED,
}
_AUDIT = {
    Outcome.APPROVE: AuditAction.VETTING_APPROVE,
    Outcome.REJECT: AuditAction.VETTING_REJECT,
    Outcome.SUSPEND: AuditAction.VETTING_SUSPEND,
}


def on_volunteer_registered(volunteer: Volunteer, **_kwargs: object) -> None:
    """Every new volunteer starts pending (the registration's transaction)."""
    db.session.add(
        Vetting(volunteer_id=volunteer.id, status=VettingStatus.PENDING, updated_at=utcnow())
    )


# -- reads ---------------------------------------------------------------------------------


def status_of(volunteer_id: int) -> VettingStatus:
    status = db.session.scalar(select(Vetting.status).where(Vetting.volunteer_id == volunteer_id))
    return VettingStatus(status) if status else VettingStatus.PENDING


def is_approved(volunteer_id: int) -> bool:
    """May this volunteer take part in anything that involves the people helped?"""
    return status_of(volunteer_id) is VettingStatus.APPROVED


def status_for_update(volunteer_id: int) -> VettingStatus:
    """`status_of`, holding the vetting row (FOR SHARE) until the caller's transaction
    ends: a sign-up checked this way cannot slip past a suspension committing at the
    same moment (the suspension waits for it, then cancels it; or it sees the
    suspension)."""
    status = db.session.scalar(
        select(Vetting.status)
        .where(Vetting.volunteer_id == volunteer_id)
        .with_for_update(read=True)
    )
    return VettingStatus(status) if status else VettingStatus.PENDING


def may_meet_mentees(volunteer_id: int, *, minor: bool = False) -> bool:
    """Approved with the confidentiality pledge signed (and, for a minor, the juvenile
    clearance granted): what mentoring asks before a pair is formed or a mentee shown."""
    vetting = db.session.get(Vetting, volunteer_id)
    if (
        vetting is None
        or vetting.status != VettingStatus.APPROVED
        or vetting.pledge_signed_at is None
    ):
        return False
    return not minor or vetting.juvenile_clearance_at is not None


def awaiting_count(_user: User | None = None) -> int:
    """Volunteers waiting for a first decision (the dashboard's count)."""
    return int(
        db.session.scalar(
            select(func.count()).select_from(Vetting).where(Vetting.status == VettingStatus.PENDING)
        )
        or 0
    )


def _require(user: User, roles: frozenset[Role]) -> None:
    if not user.has_role(*roles):
        raise PermissionDenied("Only coordinators may vet volunteers.")


def _locked(volunteer_id: int) -> Vetting:
    # The volunteer's row first, then the vetting: the order a sign-up takes them in
    # (volunteers.programmes.signups), so a decision racing a sign-up waits, never
    # deadlocks on the foreign-key checks of the rows each one writes.
    db.session.scalar(select(Volunteer.id).where(Volunteer.id == volunteer_id).with_for_update())
    vetting = db.session.scalar(
        select(Vetting).where(Vetting.volunteer_id == volunteer_id).with_for_update()
    )
    if vetting is None:
        raise NotFound("There is no such volunteer.")
    return vetting


def _note(text: str, *, required: bool, field: str) -> str:
    cleaned = text.strip()
    if required and not cleaned:
        raise VettingInvalid("Write what was checked.", field=field)
    if len(cleaned) > MAX_NOTE:
        raise VettingInvalid("At most %(n)d characters.", field=field, n=MAX_NOTE)
    return cleaned


# -- writes --------------------------------------------------------------------------------


def record_step(
    user: User,
    volunteer_id: int,
    step: Step,
    note: str,
    *,
    pledge_version: str = "",
    ip: str | None = None,
) -> Vetting:
    """Record one check (documents seen, interview, pledge signed, training done,
    juvenile clearance granted) with its time; audited."""
    _require(user, VETTERS)
    step = Step(step)
    vetting = _locked(volunteer_id)
    now = utcnow()
    if step is Step.DOCUMENTS:
        vetting.documents_seen = _note(note, required=True, field="note")
        vetting.documents_seen_at = now
    elif step is Step.INTERVIEW:
        vetting.interview_note = _note(note, required=True, field="note")
        vetting.interviewed_at = now
    elif step is Step.PLEDGE:
        if not pledge_version:
            raise VettingInvalid("Name the version of the pledge that was signed.", field="note")
        vetting.pledge_signed_at = now
        vetting.pledge_version = pledge_version[:16]
    elif step is Step.TRAINING:
        vetting.training_note = _note(note, required=True, field="note")
        vetting.training_done_at = now
    else:
        vetting.juvenile_clearance_note = _note(note, required=True, field="note")
        vetting.juvenile_clearance_at = now
    vetting.updated_at = now
    vetting.updated_by_id = user.id
    audit.record(
        Actor(user.id, user.username, ip),
        AuditAction.VETTING_RECORD,
        "volunteer",
        volunteer_id,
        step=step.value,
    )
    db.session.commit()
    return vetting


def decide(
    user: User, volunteer_id: int, outcome: Outcome, reason: str, ip: str | None = None
) -> Vetting:
    """Approve, reject or suspend a volunteer, with a reason; audited and kept in the
    history. A suspension tells the wing at once (`volunteer_suspended`), in this
    transaction: future sign-ups and mentoring pairs end with it."""
    _require(user, VETTERS)
    outcome = Outcome(outcome)
    reason = reason.strip()
    if not reason:
        raise VettingInvalid("Give the reason for this decision.", field="reason")
    if len(reason) > MAX_NOTE:
        raise VettingInvalid("At most %(n)d characters.", field="reason", n=MAX_NOTE)
    vetting = _locked(volunteer_id)
    if vetting.status_enum not in _FROM[outcome]:
        raise VettingRefused("This decision does not apply to a volunteer in this state.")
    if outcome is Outcome.APPROVE:
        missing = [
            label
            for label, done in (
                ("documents", vetting.documents_seen_at),
                ("interview", vetting.interviewed_at),
                ("pledge", vetting.pledge_signed_at),
            )
            if done is None
        ]
        if missing:
            raise VettingRefused(
                "Record the documents seen, the interview and the signed confidentiality pledge before approving."
            )
    now = utcnow()
    vetting.status = _TO[outcome]
    vetting.reason = reason
    vetting.decided_at = now
    vetting.decided_by_id = user.id
    vetting.updated_at = now
    vetting.updated_by_id = user.id
    db.session.add(
        VettingDecision(
            volunteer_id=volunteer_id,
            status=_TO[outcome],
            reason=reason,
            decided_by_id=user.id,
            decided_at=now,
        )
    )
    actor = Actor(user.id, user.username, ip)
    audit.record(actor, _AUDIT[outcome], "volunteer", volunteer_id, reason=reason)
    if outcome is Outcome.SUSPEND:
        volunteer_suspended.send(vetting, volunteer_id=volunteer_id, reason=reason, actor=actor)
    db.session.commit()
    return vetting


def decisions_of(volunteer_id: int) -> list[VettingDecision]:
    return list(
        db.session.scalars(
            select(VettingDecision)
            .where(VettingDecision.volunteer_id == volunteer_id)
            .order_by(VettingDecision.decided_at.desc(), VettingDecision.id.desc())
        )
    )
