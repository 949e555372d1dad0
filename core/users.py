"""Staff users, roles and office scopes."""

from __future__ import annotations

import enum
from contextlib import suppress
from datetime import date, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, Date, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, db, utcnow
from core.orgs import OrgUnit, offices_under


class Role(enum.StrEnum):
    ADMIN = "admin"
    OFFICER = "officer"
    SOCIAL_WORKER = "social_worker"
    FINANCE = "finance"
    COORDINATOR = "coordinator"
    AUDITOR = "auditor"
    TRAINING_PARTNER = "training_partner"
    # A partner organisation's person at a base (基地联系人): their base's placements only.
    BASE_CONTACT = "base_contact"


# Who may open /persons and /needs at all; scope narrows it further.
CASEWORK_ROLES = frozenset({Role.ADMIN, Role.AUDITOR, Role.OFFICER, Role.SOCIAL_WORKER})
# Who sees every office whatever their scope unit.
ALL_OFFICE_ROLES = frozenset({Role.ADMIN, Role.AUDITOR})
# Who may reveal PII (within scope).
REVEAL_ROLES = CASEWORK_ROLES
# Who may change people and needs (auditors only read).
CASEWORK_WRITE_ROLES = frozenset({Role.ADMIN, Role.OFFICER, Role.SOCIAL_WORKER})
# Accounts of people outside the bureau (a training partner, a base's contact): they
# never see /persons, and their access ends with their class or placement period
# (`access_until`) unless it is renewed.
PARTNER_ROLES = frozenset({Role.TRAINING_PARTNER, Role.BASE_CONTACT})

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10


class User(Base):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(32))
    scope_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    juvenile_permission: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The last Shanghai business day the account may be used (inclusive); None: no end.
    # Set and renewed by the wing that links the account to its partner or base.
    access_until: Mapped[date | None] = mapped_column(Date)

    scope_unit: Mapped[OrgUnit | None] = relationship()

    # Flask-Login's protocol, kept here so core needs no Flask-Login import.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        # The password change time is part of the session id, so changing or
        # resetting a password ends every other session of the account.
        return f"{self.id}:{int(self.password_changed_at.timestamp() * 1_000_000)}"

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def sees_all_offices(self) -> bool:
        return self.role_enum in ALL_OFFICE_ROLES

    @property
    def may_see_minors(self) -> bool:
        return self.sees_all_offices or self.juvenile_permission

    @property
    def does_casework(self) -> bool:
        return self.role_enum in CASEWORK_ROLES

    @property
    def may_write_casework(self) -> bool:
        return self.role_enum in CASEWORK_WRITE_ROLES

    @property
    def may_reveal(self) -> bool:
        return self.role_enum in REVEAL_ROLES

    def has_role(self, *roles: Role) -> bool:
        return self.role_enum in roles

    def access_ended(self, today: date) -> bool:
        """True once the account's access period is over (the day after `access_until`)."""
        return self.access_until is not None and today > self.access_until


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(user: User, password: str) -> bool:
    return verify_password_hash(user.password_hash, password)


def verify_password_hash(password_hash: str, password: str) -> bool:
    """The password check for any account that keeps an argon2 hash (staff, volunteers)."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(user: User) -> bool:
    return hash_needs_rehash(user.password_hash)


def hash_needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


# A fixed hash to verify against when the username is unknown, so that a login
# for a missing account costs the same time as one for a real account.
DUMMY_HASH = _hasher.hash("not-a-real-password-for-timing")


def verify_dummy(password: str) -> None:
    with suppress(VerificationError, InvalidHashError):
        _hasher.verify(DUMMY_HASH, password)


def visible_office_ids(user: User) -> list[int] | None:
    """Offices whose people the user may see; None means every office."""
    if user.sees_all_offices:
        return None
    if not user.does_casework or user.scope_unit_id is None:
        return []
    return offices_under(user.scope_unit_id)


def user_by_username(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))
