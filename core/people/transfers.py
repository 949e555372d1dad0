"""Transfers between offices: the sending office requests, the receiving office accepts.

The person's history (the transfer rows and the audit log) stays with them.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core import audit, signals
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.errors import Conflict, NotFound, ValidationFailed
from core.orgs import OrgUnit, UnitKind
from core.people.models import Person, PersonStatus, PersonTransfer, TransferStatus
from core.people.services import get_person, require_writer
from core.users import User, visible_office_ids


def request_transfer(
    actor: User, person_id: int, to_office_id: int, reason: str, *, ip: str | None = None
) -> PersonTransfer:
    require_writer(actor)
    person = get_person(actor, person_id)
    target = db.session.get(OrgUnit, to_office_id)
    if target is None or target.kind != UnitKind.OFFICE:
        raise ValidationFailed("Choose an office.", field="to_office_id")
    if target.id == person.office_id:
        raise ValidationFailed("The person is already at this office.", field="to_office_id")
    if person.status != PersonStatus.ACTIVE:
        raise Conflict("Only an active case can be transferred.")
    open_request = db.session.scalar(
        select(PersonTransfer).where(
            PersonTransfer.person_id == person.id,
            PersonTransfer.status == TransferStatus.PENDING,
        )
    )
    if open_request is not None:
        raise Conflict("A transfer for this person is already pending.")
    transfer = PersonTransfer(
        person_id=person.id,
        from_office_id=person.office_id,
        to_office_id=target.id,
        reason=reason.strip(),
        requested_by_id=actor.id,
    )
    db.session.add(transfer)
    db.session.flush()
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.PERSON_TRANSFER_REQUEST,
        "person",
        person.id,
        office_id=person.office_id,
        to_office=target.id,
        transfer=transfer.id,
    )
    db.session.commit()
    return transfer


def incoming_transfers(actor: User) -> list[PersonTransfer]:
    offices = visible_office_ids(actor)
    query = (
        select(PersonTransfer)
        .options(joinedload(PersonTransfer.person), joinedload(PersonTransfer.from_office))
        .where(PersonTransfer.status == TransferStatus.PENDING)
        .order_by(PersonTransfer.requested_at)
    )
    if offices is not None:
        query = query.where(PersonTransfer.to_office_id.in_(offices))
    if not actor.may_see_minors:
        query = query.join(Person, Person.id == PersonTransfer.person_id).where(
            Person.is_minor.is_(False)
        )
    return list(db.session.scalars(query))


def decide_transfer(
    actor: User, transfer_id: int, accept: bool, note: str = "", *, ip: str | None = None
) -> PersonTransfer:
    """The receiving office accepts (the person moves) or rejects (nothing moves)."""
    require_writer(actor)
    transfer = db.session.get(PersonTransfer, transfer_id, with_for_update=True)
    offices = visible_office_ids(actor)
    if transfer is None or (offices is not None and transfer.to_office_id not in offices):
        raise NotFound("No such transfer.")
    if transfer.person.is_minor and not actor.may_see_minors:
        raise NotFound("No such transfer.")
    if transfer.status != TransferStatus.PENDING:
        raise Conflict("This transfer has already been decided.")
    transfer.status = TransferStatus.ACCEPTED if accept else TransferStatus.REJECTED
    transfer.decided_by_id = actor.id
    transfer.decided_at = utcnow()
    transfer.decision_note = note.strip()
    if accept:
        target = db.session.get(OrgUnit, transfer.to_office_id)
        assert target is not None
        transfer.person.office_id = target.id
        transfer.person.town = target.town or ""
        signals.person_transferred.send(transfer.person, from_office_id=transfer.from_office_id)
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.PERSON_TRANSFER_ACCEPT if accept else AuditAction.PERSON_TRANSFER_REJECT,
        "person",
        transfer.person_id,
        office_id=transfer.to_office_id,
        transfer=transfer.id,
    )
    db.session.commit()
    return transfer


def transfers_of(person: Person) -> list[PersonTransfer]:
    return list(
        db.session.scalars(
            select(PersonTransfer)
            .options(joinedload(PersonTransfer.from_office), joinedload(PersonTransfer.to_office))
            .where(PersonTransfer.person_id == person.id)
            .order_by(PersonTransfer.requested_at)
        )
    )
