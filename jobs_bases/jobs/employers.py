"""Employers and their openings. Casework writers and admins keep them; every casework
user reads them (they carry no personal data)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.towns import BY_NAME
from core.users import User
from jobs_bases.bases.models import Base, BaseKind
from jobs_bases.jobs.models import Employer, Opening, OpeningStatus, Referral, ReferralStatus

MAX_SEATS = 500
MAX_WAGE_FEN = 100_000_00  # ¥100,000 a month: anything above is a typing error


def _require_writer(actor: User) -> None:
    if not actor.may_write_casework:
        raise PermissionDenied("Your role cannot change employers or openings.")


@dataclass
class EmployerInput:
    name: str
    town: str
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    active: bool = True


def save_employer(
    actor: User, employer_id: int | None, data: EmployerInput, *, ip: str | None = None
) -> Employer:
    _require_writer(actor)
    name = data.name.strip()
    if not name or len(name) > 120:
        raise ValidationFailed("Enter the employer's name.", field="name")
    if data.town not in BY_NAME:
        raise ValidationFailed("Choose a town.", field="town")
    same = db.session.scalar(select(Employer.id).where(Employer.name == name))
    if same is not None and same != employer_id:
        raise ValidationFailed("An employer with this name exists already.", field="name")
    if employer_id is None:
        employer = Employer()
    else:
        found = db.session.get(Employer, employer_id)
        if found is None:
            raise NotFound("No such employer.")
        employer = found
    employer.name = name
    employer.town = data.town
    employer.address = data.address.strip()[:200]
    employer.contact_name = data.contact_name.strip()[:60]
    employer.contact_phone = data.contact_phone.strip()[:32]
    employer.active = data.active
    db.session.add(employer)
    db.session.flush()
    audit.record(
        Actor(actor.id, actor.username, ip), AuditAction.EMPLOYER_SAVE, "employer", employer.id
    )
    db.session.commit()
    return employer


@dataclass
class OpeningInput:
    employer_id: int
    title: str
    seats: int
    wage_min_fen: int
    wage_max_fen: int
    town: str
    requirements: str = ""
    base_id: int | None = None
    status: str = OpeningStatus.OPEN


def hired_count(opening_id: int) -> int:
    """People in the job now (hired and not left)."""
    return int(
        db.session.scalar(
            select(func.count()).where(
                Referral.opening_id == opening_id, Referral.status == ReferralStatus.HIRED
            )
        )
        or 0
    )


def _validate_opening(data: OpeningInput) -> None:
    employer = db.session.get(Employer, data.employer_id)
    if employer is None or not employer.active:
        raise ValidationFailed("Choose an employer.", field="employer_id")
    if not data.title.strip() or len(data.title.strip()) > 120:
        raise ValidationFailed("Enter the job's title.", field="title")
    if not 1 <= data.seats <= MAX_SEATS:
        raise ValidationFailed(
            "The seats must be between 1 and %(max)d.", field="seats", max=MAX_SEATS
        )
    if not 0 <= data.wage_min_fen <= MAX_WAGE_FEN or not 0 <= data.wage_max_fen <= MAX_WAGE_FEN:
        raise ValidationFailed("Enter a monthly wage in yuan.", field="wage_min")
    if data.wage_max_fen < data.wage_min_fen:
        raise ValidationFailed("The highest wage cannot be below the lowest.", field="wage_max")
    if data.town not in BY_NAME:
        raise ValidationFailed("Choose a town.", field="town")
    if data.status not in tuple(OpeningStatus):
        raise ValidationFailed("Choose a status.", field="status")
    if data.base_id is not None:
        base = db.session.get(Base, data.base_id)
        if base is None or base.kind != BaseKind.EMPLOYMENT or base.retired:
            raise ValidationFailed("Choose an employment base, or none.", field="base_id")


def save_opening(
    actor: User, opening_id: int | None, data: OpeningInput, *, ip: str | None = None
) -> Opening:
    """Create or edit an opening; fewer seats than people hired now is refused."""
    _require_writer(actor)
    _validate_opening(data)
    if opening_id is None:
        opening = Opening(created_by_id=actor.id)
    else:
        found = db.session.get(Opening, opening_id, with_for_update=True)
        if found is None:
            raise NotFound("No such opening.")
        opening = found
        if data.seats < hired_count(opening.id):
            raise ValidationFailed(
                "More people are in this job now than that many seats.", field="seats"
            )
    opening.employer_id = data.employer_id
    opening.title = data.title.strip()
    opening.seats = data.seats
    opening.requirements = data.requirements.strip()[:2000]
    opening.wage_min_fen = data.wage_min_fen
    opening.wage_max_fen = data.wage_max_fen
    opening.town = data.town
    opening.base_id = data.base_id
    opening.status = data.status
    db.session.add(opening)
    db.session.flush()
    audit.record(
        Actor(actor.id, actor.username, ip), AuditAction.OPENING_SAVE, "opening", opening.id
    )
    db.session.commit()
    return opening


def list_employers(*, active_only: bool = False) -> list[Employer]:
    query = select(Employer).order_by(Employer.name)
    if active_only:
        query = query.where(Employer.active.is_(True))
    return list(db.session.scalars(query))


def get_opening(opening_id: int) -> Opening:
    opening = db.session.get(Opening, opening_id)
    if opening is None:
        raise NotFound("No such opening.")
    return opening


def get_employer(employer_id: int) -> Employer:
    employer = db.session.get(Employer, employer_id)
    if employer is None:
        raise NotFound("No such employer.")
    return employer
