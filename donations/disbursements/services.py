"""Payouts of funded needs: finance proposes with evidence, a different finance user approves.

Approval moves need restricted → disbursed in the ledger under a lock on the
need; when nothing restricted is left the need is disbursed and its donors are
told. A need may be paid out in several payouts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.errors import Conflict, NotFound, PermissionDenied
from core.needs.models import NeedStatus
from core.needs.services import move_need_status
from core.timeutil import local_today
from core.users import Role, User
from donations.disbursements.evidence import StoredEvidence, check_and_store
from donations.disbursements.models import Disbursement, DisbursementStatus
from donations.donors.messages import queue_message
from donations.errors import InvalidField
from donations.giving.booking import listing_gifts
from donations.ledger.models import EntryKind
from donations.ledger.services import Leg, disbursed_account, need_account, need_balance_fen, post
from donations.projects.models import ListingStatus, NeedListing

METHODS = ("bank_transfer", "cash", "voucher")


@dataclass(frozen=True)
class PayoutInput:
    listing_id: str
    amount_fen: int
    method: str
    payee: str
    reference: str
    paid_on: date
    evidence_name: str
    evidence: bytes


def _finance(actor: User) -> None:
    if not actor.has_role(Role.FINANCE):
        raise PermissionDenied("Only finance staff record payouts.")


def _proposed_total(listing_id: str) -> int:
    return sum(
        db.session.scalars(
            select(Disbursement.amount_fen).where(
                Disbursement.listing_id == listing_id,
                Disbursement.status == DisbursementStatus.PROPOSED,
            )
        )
    )


def propose_disbursement(actor: User, data: PayoutInput, evidence_dir: Path) -> Disbursement:
    _finance(actor)
    listing = db.session.get(NeedListing, data.listing_id)
    if listing is None:
        raise NotFound("No such need.")
    if listing.status not in (ListingStatus.FUNDED,):
        raise Conflict("Only a fully funded need is paid out.")
    if data.method not in METHODS:
        raise InvalidField("Choose a payment method.", field="method")
    if not data.payee.strip() or not data.reference.strip():
        raise InvalidField("Payee and reference are required.", field="payee")
    if data.paid_on > local_today():
        raise InvalidField("The payment date cannot be in the future.", field="paid_on")
    available = need_balance_fen(listing) - _proposed_total(listing.id)
    if not 0 < data.amount_fen <= available:
        raise InvalidField(
            "The amount must be between 1 fen and what the need still holds.", field="amount"
        )
    stored = check_and_store(evidence_dir, data.evidence_name, data.evidence)
    try:
        return _save_payout(actor, data, listing, stored)
    except Exception:
        # No payout row, no file: a failed save must not leave evidence behind.
        db.session.rollback()
        (evidence_dir / stored.path).unlink(missing_ok=True)
        raise


def _save_payout(
    actor: User, data: PayoutInput, listing: NeedListing, stored: StoredEvidence
) -> Disbursement:
    payout = Disbursement(
        listing_id=listing.id,
        amount_fen=data.amount_fen,
        method=data.method,
        payee=data.payee.strip(),
        reference=data.reference.strip(),
        paid_on=data.paid_on,
        evidence_path=stored.path,
        evidence_mime=stored.mime,
        evidence_sha256=stored.sha256,
        evidence_name=stored.original_name,
        proposed_by_id=actor.id,
    )
    db.session.add(payout)
    db.session.flush()
    audit.record(
        Actor(actor.id, actor.username),
        AuditAction.DISBURSEMENT_PROPOSE,
        "disbursement",
        payout.id,
        amount_fen=data.amount_fen,
        listing=listing.id,
    )
    db.session.commit()
    return payout


def _undecided_payout(actor: User, disbursement_id: int) -> Disbursement:
    """The payout, locked, if it is still open and `actor` may decide on it (four eyes)."""
    _finance(actor)
    payout = db.session.get(Disbursement, disbursement_id, with_for_update=True)
    if payout is None:
        raise NotFound("No such payout.")
    if payout.status != DisbursementStatus.PROPOSED:
        raise Conflict("This payout has already been decided.")
    if payout.proposed_by_id == actor.id:
        raise PermissionDenied("A payout needs two people: someone else decides on it.")
    return payout


def approve_disbursement(actor: User, disbursement_id: int) -> Disbursement:
    payout = _undecided_payout(actor, disbursement_id)
    listing = db.session.scalar(
        select(NeedListing).where(NeedListing.id == payout.listing_id).with_for_update()
    )
    assert listing is not None
    if listing.status != ListingStatus.FUNDED:
        # A refund may have reopened the need since the payout was proposed.
        raise Conflict("Only a fully funded need is paid out.")
    if need_balance_fen(listing) < payout.amount_fen:
        raise Conflict("The need no longer holds this amount.")
    post(
        EntryKind.DISBURSEMENT,
        f"disbursement:{payout.id}",
        [
            Leg(need_account(listing), payout.amount_fen),
            Leg(disbursed_account(), -payout.amount_fen),
        ],
        # Ids only: the journal is permanent, and a payee may be a person.
        memo=f"payout {payout.id}",
        created_by_id=actor.id,
    )
    payout.status = DisbursementStatus.APPROVED
    payout.approved_by_id = actor.id
    payout.decided_at = utcnow()
    if need_balance_fen(listing) == 0:
        listing.status = ListingStatus.DISBURSED
        move_need_status(
            listing.need_id, NeedStatus.DISBURSED, Actor(actor.id, actor.username), "paid out"
        )
        for gift in listing_gifts(listing):
            queue_message(gift, "paid_out")
    audit.record(
        Actor(actor.id, actor.username),
        AuditAction.DISBURSEMENT_APPROVE,
        "disbursement",
        payout.id,
        amount_fen=payout.amount_fen,
    )
    db.session.commit()
    return payout


def reject_disbursement(actor: User, disbursement_id: int, reason: str) -> Disbursement:
    payout = _undecided_payout(actor, disbursement_id)
    if not reason.strip():
        raise InvalidField("Say why the payout is rejected.", field="reason")
    payout.status = DisbursementStatus.REJECTED
    payout.rejection_reason = reason.strip()
    payout.approved_by_id = actor.id
    payout.decided_at = utcnow()
    audit.record(
        Actor(actor.id, actor.username), AuditAction.DISBURSEMENT_REJECT, "disbursement", payout.id
    )
    db.session.commit()
    return payout


def awaiting_count(viewer: User) -> int:
    """Payouts proposed by someone else, waiting for the viewer's approval."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Disbursement)
            .where(
                Disbursement.status == DisbursementStatus.PROPOSED,
                Disbursement.proposed_by_id != viewer.id,
            )
        )
        or 0
    )


EVIDENCE_READERS = (Role.ADMIN, Role.AUDITOR, Role.FINANCE)


@dataclass(frozen=True)
class EvidenceFile:
    path: Path
    mime: str
    name: str


def open_evidence(
    actor: User, disbursement_id: int, evidence_dir: Path, ip: str | None = None
) -> EvidenceFile:
    """A payout's evidence file, for the roles that read payouts; each opening is audited.

    NotFound when there is no such payout or its file is gone.
    """
    if not actor.has_role(*EVIDENCE_READERS):
        raise NotFound("No such payout.")
    payout = db.session.get(Disbursement, disbursement_id)
    path = evidence_dir / (payout.evidence_path if payout else "")
    if payout is None or not path.is_file():
        raise NotFound("No such payout.")
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.DISBURSEMENT_EVIDENCE_VIEW,
        "disbursement",
        payout.id,
    )
    db.session.commit()
    return EvidenceFile(path, payout.evidence_mime, payout.evidence_filename)
