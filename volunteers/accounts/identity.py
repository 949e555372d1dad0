"""A volunteer's login names: username, email and mobile, normalised and indexed.

Email and phone are kept encrypted; a keyed blind index (core.crypto) finds them. A
lookup asks for the index under every key of the ring, so it also finds rows not yet
re-encrypted under the current key.
"""

from __future__ import annotations

import re
from enum import StrEnum

from sqlalchemy import ColumnElement, select

from core.crypto import keyring
from core.db import db
from core.rotation import Rotated
from volunteers.accounts.models import Volunteer

USERNAME = re.compile(r"^[a-z][a-z0-9_.-]{2,31}$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
_PHONE_NOISE = re.compile(r"[\s\-().]")

EMAIL_CONTEXT = "volunteer.email"
PHONE_CONTEXT = "volunteer.phone"


class LoginKind(StrEnum):
    USERNAME = "username"
    EMAIL = "email"
    PHONE = "phone"


def normalise_username(value: str) -> str:
    return value.strip().lower()


def normalise_email(value: str) -> str:
    return value.strip().lower()


def normalise_phone(value: str) -> str:
    """Digits of a mainland mobile, without separators or the +86 prefix."""
    digits = _PHONE_NOISE.sub("", value.strip())
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            return digits[len(prefix) :]
    return digits


def email_index(email: str) -> str:
    return keyring().blind_index(normalise_email(email), EMAIL_CONTEXT)


def phone_index(phone: str) -> str:
    return keyring().blind_index(normalise_phone(phone), PHONE_CONTEXT)


def _reindex(volunteer: Volunteer) -> None:
    volunteer.email_bidx = email_index(volunteer.email) if volunteer.email else None
    volunteer.phone_bidx = phone_index(volunteer.phone) if volunteer.phone else None


# The volunteers' email and phone, for `flask rotate-key`.
ROTATED = Rotated("volunteer", Volunteer, ("email", "phone"), _reindex)


def login_kind(login: str) -> LoginKind:
    """What the volunteer typed: an email has an @, a mobile is 11 digits; else a username
    (usernames start with a letter, so the three never overlap)."""
    if "@" in login:
        return LoginKind.EMAIL
    if MOBILE.match(normalise_phone(login)):
        return LoginKind.PHONE
    return LoginKind.USERNAME


def _email_taken(email: str) -> ColumnElement[bool]:
    return Volunteer.email_bidx.in_(keyring().blind_indexes(normalise_email(email), EMAIL_CONTEXT))


def _phone_taken(phone: str) -> ColumnElement[bool]:
    return Volunteer.phone_bidx.in_(keyring().blind_indexes(normalise_phone(phone), PHONE_CONTEXT))


def volunteer_by_login(login: str) -> Volunteer | None:
    """The volunteer this username, email or mobile names, if any."""
    kind = login_kind(login)
    if kind is LoginKind.EMAIL:
        clause = _email_taken(login)
    elif kind is LoginKind.PHONE:
        clause = _phone_taken(login)
    else:
        clause = Volunteer.username == normalise_username(login)
    return db.session.scalar(select(Volunteer).where(clause))


def username_taken(username: str) -> bool:
    found = db.session.scalar(
        select(Volunteer.id).where(Volunteer.username == normalise_username(username))
    )
    return found is not None


def email_taken(email: str) -> bool:
    return db.session.scalar(select(Volunteer.id).where(_email_taken(email))) is not None


def phone_taken(phone: str) -> bool:
    return db.session.scalar(select(Volunteer.id).where(_phone_taken(phone))) is not None


def mask_email(email: str | None) -> str:
    if not email:
        return ""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    return f"{phone[:3]}****{phone[-4:]}"
