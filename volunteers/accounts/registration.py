"""Registering as a volunteer, for oneself or for an organisation's team."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.towns import TOWN_NAMES
from core.users import hash_password
from volunteers.accounts import identity
from volunteers.accounts.errors import RegistrationRefused
from volunteers.accounts.models import (
    Gender,
    Organisation,
    OrganisationKind,
    Volunteer,
    VolunteerKind,
)
from volunteers.accounts.passwords import check_password
from volunteers.accounts.profile import (
    LANGUAGES,
    MAX_SKILL_LENGTH,
    MAX_SKILLS,
    SLOTS,
    clean_list,
)
from volunteers.accounts.signals import volunteer_registered

MAX_NAME_LENGTH = 60


@dataclass
class Registration:
    """What a volunteer enters; checked here again whatever the form checked."""

    username: str
    display_name: str
    password: str
    conduct_version: str  # the version of the code of conduct the volunteer was shown
    conduct_agreed: bool
    email: str = ""
    phone: str = ""
    kind: str = VolunteerKind.INDIVIDUAL
    organisation_name: str = ""
    organisation_kind: str = OrganisationKind.OTHER
    gender: str = Gender.UNSTATED
    skills: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    towns: list[str] = field(default_factory=list)
    availability: list[str] = field(default_factory=list)


def _check_names(data: Registration) -> tuple[str, str, str, str]:
    username = identity.normalise_username(data.username)
    if not identity.USERNAME.match(username):
        raise RegistrationRefused(
            "A username starts with a letter and has 3 to 32 lower-case letters, digits, dots, dashes or underscores.",
            field="username",
        )
    display_name = " ".join(data.display_name.split())
    if not display_name or len(display_name) > MAX_NAME_LENGTH:
        raise RegistrationRefused(
            "Enter a name of at most %(n)d characters.", field="display_name", n=MAX_NAME_LENGTH
        )
    email = identity.normalise_email(data.email) if data.email.strip() else ""
    phone = identity.normalise_phone(data.phone) if data.phone.strip() else ""
    if not email and not phone:
        raise RegistrationRefused(
            "Give an email address or a mobile number: a password reset link is sent there.",
            field="email",
        )
    if email and (len(email) > 254 or not identity.EMAIL.match(email)):
        raise RegistrationRefused("Enter a valid email address.", field="email")
    if phone and not identity.MOBILE.match(phone):
        raise RegistrationRefused("Enter an 11-digit mainland mobile number.", field="phone")
    return username, display_name, email, phone


def _check_taken(username: str, email: str, phone: str) -> None:
    if identity.username_taken(username):
        raise RegistrationRefused("This username is taken. Choose another.", field="username")
    if email and identity.email_taken(email):
        raise RegistrationRefused(
            "This email address is already registered. Log in or reset your password.",
            field="email",
        )
    if phone and identity.phone_taken(phone):
        raise RegistrationRefused(
            "This mobile number is already registered. Log in or reset your password.",
            field="phone",
        )


def _organisation(data: Registration) -> Organisation | None:
    if data.kind == VolunteerKind.INDIVIDUAL:
        return None
    if data.kind != VolunteerKind.ORGANISATION:
        raise RegistrationRefused(
            "Choose whether you register for yourself or for an organisation.", field="kind"
        )
    name = " ".join(data.organisation_name.split())
    if not name or len(name) > 120:
        raise RegistrationRefused("Enter the organisation's name.", field="organisation_name")
    kind = (
        data.organisation_kind
        if data.organisation_kind in tuple(OrganisationKind)
        else OrganisationKind.OTHER
    )
    # The same organisation is one row: a second team account joins it. Vetting is
    # per account, so joining by name grants nothing by itself.
    found = db.session.scalar(
        select(Organisation).where(func.lower(Organisation.name) == name.lower())
    )
    if found is not None:
        return found
    organisation = Organisation(name=name, kind=kind, created_at=utcnow())
    db.session.add(organisation)
    return organisation


def register_volunteer(
    data: Registration, current_conduct_version: str, ip: str | None
) -> Volunteer:
    """A new volunteer account, pending vetting; audited. RegistrationRefused names the
    field at fault (taken, weak, missing), and nothing is saved."""
    username, display_name, email, phone = _check_names(data)
    check_password(data.password, personal=(username, email.partition("@")[0], phone))
    if not data.conduct_agreed:
        raise RegistrationRefused(
            "Read and agree to the code of conduct to register.", field="conduct_agreed"
        )
    if data.conduct_version != current_conduct_version:
        raise RegistrationRefused(
            "The code of conduct has changed since you opened the page. Read it again and agree.",
            field="conduct_agreed",
        )
    _check_taken(username, email, phone)
    skills = clean_list(data.skills)
    if len(skills) > MAX_SKILLS or any(len(skill) > MAX_SKILL_LENGTH for skill in skills):
        raise RegistrationRefused(
            "List at most %(n)d skills, each of a few words.", field="skills", n=MAX_SKILLS
        )
    organisation = _organisation(data)
    now = utcnow()
    volunteer = Volunteer(
        username=username,
        display_name=display_name,
        email=email or None,
        phone=phone or None,
        email_bidx=identity.email_index(email) if email else None,
        phone_bidx=identity.phone_index(phone) if phone else None,
        password_hash=hash_password(data.password),
        password_changed_at=now,
        kind=data.kind,
        organisation=organisation,
        gender=data.gender if data.gender in tuple(Gender) else Gender.UNSTATED,
        skills=skills,
        languages=clean_list(data.languages, allowed=LANGUAGES),
        towns=clean_list(data.towns, allowed=TOWN_NAMES),
        availability=clean_list(data.availability, allowed=SLOTS),
        conduct_version=current_conduct_version,
        conduct_agreed_at=now,
        active=True,
        created_at=now,
    )
    db.session.add(volunteer)
    try:
        db.session.flush()
    except IntegrityError as error:
        # Two registrations with the same name at once: the later one loses here.
        db.session.rollback()
        raise RegistrationRefused(
            "This username, email address or mobile number is already registered.", field="username"
        ) from error
    volunteer_registered.send(volunteer)
    audit.record(
        Actor(None, f"volunteer:{volunteer.id}", ip),
        AuditAction.VOLUNTEER_REGISTER,
        "volunteer",
        volunteer.id,
        kind=volunteer.kind,
        conduct_version=current_conduct_version,
    )
    db.session.commit()
    return volunteer
