"""Training partners, and linking partner and base-contact accounts to what they speak for.

A training-partner account is linked to one partner, a base-contact account to one base.
Linking sets the account's access period (partners/access.py): it ends with the
partner's classes or the base's placements unless an admin renews it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db
from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from core.params import parse_int
from core.users import Role, User
from jobs_bases.bases.models import Base
from jobs_bases.partners.access import initial_access_until
from jobs_bases.partners.models import PartnerKind, StaffLink, TrainingPartner


def _require_admin(actor: User | None) -> None:
    if actor is not None and not actor.has_role(Role.ADMIN):
        raise PermissionDenied("Only administrators manage partners and partner accounts.")


def _who(actor: User | None, ip: str | None) -> Actor:
    return Actor.system("cli") if actor is None else Actor(actor.id, actor.username, ip)


# -- partners ---------------------------------------------------------------------------------


@dataclass
class PartnerInput:
    name: str
    kind: str
    contact_name: str = ""
    contact_phone: str = ""
    active: bool = True


def save_partner(
    actor: User, partner_id: int | None, data: PartnerInput, *, ip: str | None = None
) -> TrainingPartner:
    """Create or edit a training partner (admins); one transaction."""
    _require_admin(actor)
    name = data.name.strip()
    if not name or len(name) > 120:
        raise ValidationFailed("Enter the organisation's name.", field="name")
    if data.kind not in tuple(PartnerKind):
        raise ValidationFailed("Choose a kind.", field="kind")
    same_name = db.session.scalar(select(TrainingPartner.id).where(TrainingPartner.name == name))
    if same_name is not None and same_name != partner_id:
        raise ValidationFailed("A partner with this name exists already.", field="name")
    if partner_id is None:
        partner = TrainingPartner()
    else:
        found = db.session.get(TrainingPartner, partner_id)
        if found is None:
            raise NotFound("No such partner.")
        partner = found
    partner.name = name
    partner.kind = data.kind
    partner.contact_name = data.contact_name.strip()[:60]
    partner.contact_phone = data.contact_phone.strip()[:32]
    partner.active = data.active
    db.session.add(partner)
    db.session.flush()
    audit.record(
        _who(actor, ip), AuditAction.PARTNER_SAVE, "training_partner", partner.id, name=name
    )
    db.session.commit()
    return partner


def list_partners(*, active_only: bool = False) -> list[TrainingPartner]:
    query = select(TrainingPartner).order_by(TrainingPartner.name)
    if active_only:
        query = query.where(TrainingPartner.active.is_(True))
    return list(db.session.scalars(query))


def get_partner(partner_id: int) -> TrainingPartner:
    partner = db.session.get(TrainingPartner, partner_id)
    if partner is None:
        raise NotFound("No such partner.")
    return partner


# -- whom an account speaks for ---------------------------------------------------------------


def link_of(user: User) -> StaffLink | None:
    return db.session.scalar(select(StaffLink).where(StaffLink.user_id == user.id))


def linked_partner_id(user: User) -> int | None:
    """The partner a training-partner account speaks for (None: sees no partner's things)."""
    if not user.has_role(Role.TRAINING_PARTNER):
        return None
    link = link_of(user)
    return None if link is None else link.partner_id


def linked_base_id(user: User) -> int | None:
    """The base a base-contact account speaks for (None: sees no base's things)."""
    if not user.has_role(Role.BASE_CONTACT):
        return None
    link = link_of(user)
    return None if link is None else link.base_id


def _partner_named(value: str) -> TrainingPartner:
    number = parse_int(value)
    partner = (
        db.session.get(TrainingPartner, number)
        if number is not None
        else db.session.scalar(select(TrainingPartner).where(TrainingPartner.name == value.strip()))
    )
    if partner is None:
        raise ValidationFailed(
            "No training partner is called %(name)s.", field="partner", name=value
        )
    return partner


def _base_named(value: str) -> Base:
    number = parse_int(value)
    base = (
        db.session.get(Base, number)
        if number is not None
        else db.session.scalar(select(Base).where(Base.name == value.strip()))
    )
    if base is None:
        raise ValidationFailed("No base is called %(name)s.", field="base", name=value)
    return base


def _attach(
    user: User,
    who: Actor,
    *,
    partner: TrainingPartner | None = None,
    base: Base | None = None,
) -> StaffLink:
    """Link `user` in the caller's transaction, replacing an earlier link."""
    if partner is not None and not user.has_role(Role.TRAINING_PARTNER):
        raise ValidationFailed(
            "Only training-partner accounts are linked to a partner.", field="partner"
        )
    if base is not None and not user.has_role(Role.BASE_CONTACT):
        raise ValidationFailed("Only base-contact accounts are linked to a base.", field="base")
    if base is not None and base.retired:
        raise Conflict("This base is retired.")
    link = link_of(user) or StaffLink(user_id=user.id)
    link.partner_id = None if partner is None else partner.id
    link.base_id = None if base is None else base.id
    link.linked_by_id = who.user_id
    db.session.add(link)
    db.session.flush()
    user.access_until = initial_access_until(link)
    audit.record(
        who,
        AuditAction.USER_LINK,
        "staff_user",
        user.id,
        partner=link.partner_id,
        base=link.base_id,
        access_until=str(user.access_until),
    )
    return link


def link_new_account_to_partner(user: User, value: str) -> None:
    """`flask create-user --partner NAME_OR_ID` (inside the account's creation)."""
    _attach(user, Actor.system("cli"), partner=_partner_named(value))


def link_new_account_to_base(user: User, value: str) -> None:
    """`flask create-user --base NAME_OR_ID` (inside the account's creation)."""
    _attach(user, Actor.system("cli"), base=_base_named(value))


def link_account(
    actor: User,
    user_id: int,
    *,
    partner_id: int | None = None,
    base_id: int | None = None,
    ip: str | None = None,
) -> StaffLink:
    """An admin links an existing partner or base-contact account; one transaction."""
    _require_admin(actor)
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    if (partner_id is None) == (base_id is None):
        raise ValidationFailed("Choose a partner or a base.")
    partner = None if partner_id is None else _partner_named(str(partner_id))
    base = None if base_id is None else _base_named(str(base_id))
    link = _attach(user, _who(actor, ip), partner=partner, base=base)
    db.session.commit()
    return link
