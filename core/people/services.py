"""People use cases: register, edit, find, reveal, transfer, anonymise.

Each public function is one use case and one transaction; the acting user comes
in as an argument. Anything outside the actor's scope raises NotFound, exactly
like a record that does not exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.crypto import keyring
from core.db import db, utcnow
from core.errors import InvalidFields, NotFound, PermissionDenied, ValidationFailed
from core.idcard import birth_date_from_id, is_valid_id_number, normalise_id_number
from core.listing import Listing, Pager, PageRequest, page_of
from core.orgs import OrgUnit, UnitKind
from core.people.alarms import check_mass_reveal
from core.people.duplicates import refuse_duplicate_id
from core.people.models import (
    EDUCATION_LEVELS,
    EMPLOYMENT_STATUSES,
    CorrectionType,
    Person,
    PersonKind,
    Sex,
)
from core.privacy import IDENTITY_MASKS, is_minor_case
from core.timeutil import local_today
from core.users import User, visible_office_ids

_PHONE_RE = re.compile(r"^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
PII_FIELDS = ("name", "id_number", "phone", "address")


def normalise_name(value: str) -> str:
    return re.sub(r"\s+", "", value)


def normalise_phone(value: str) -> str:
    return re.sub(r"[\s\-]", "", value)


def _index(value: str, context: str) -> str:
    return keyring().blind_index(value, context)


@dataclass
class PersonInput:
    """What staff enter about a person; validated again here whatever the edge did."""

    name: str
    id_number: str
    office_id: int
    kind: str
    sex: str
    birth_date: date | None
    phone: str = ""
    address: str = ""
    correction_type: str | None = None
    term_start: date | None = None
    term_end: date | None = None
    release_date: date | None = None
    education: str | None = None
    employment_status: str | None = None
    skills: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    consent_publication: bool = False
    consent_mentoring: bool = False


def sex_from_id(id_number: str) -> str:
    """The 17th digit of an ID number is odd for a man, even for a woman."""
    return Sex.MALE.value if int(id_number[16]) % 2 else Sex.FEMALE.value


def complete_from_id(data: PersonInput) -> PersonInput:
    """Birth date and sex left blank are read from a valid ID number (never overwritten)."""
    id_number = normalise_id_number(data.id_number)
    if not is_valid_id_number(id_number):
        return data
    return replace(
        data,
        birth_date=data.birth_date or birth_date_from_id(id_number),
        sex=data.sex or sex_from_id(id_number),
    )


def _problems(data: PersonInput, today: date) -> list[ValidationFailed]:
    """Every rule the input breaks, in form order, so staff fix them all in one go."""
    found: list[ValidationFailed] = []
    problem = found.append
    if not data.name.strip():
        problem(ValidationFailed("Name is required.", field="name"))
    elif len(data.name) > 60:
        problem(ValidationFailed("Name is too long.", field="name"))
    id_number = normalise_id_number(data.id_number)
    id_ok = is_valid_id_number(id_number)
    if not id_ok:
        problem(ValidationFailed("This is not a valid ID-card number.", field="id_number"))
    if data.phone and not _PHONE_RE.match(normalise_phone(data.phone)):
        problem(ValidationFailed("This is not a valid phone number.", field="phone"))
    if data.kind == PersonKind.CORRECTION:
        if data.correction_type not in tuple(CorrectionType):
            problem(ValidationFailed("Choose the correction type.", field="correction_type"))
        if data.term_start is None:
            problem(ValidationFailed("The term start date is required.", field="term_start"))
        elif data.term_end is not None and data.term_end < data.term_start:
            problem(ValidationFailed("The term cannot end before it starts.", field="term_end"))
    elif data.kind == PersonKind.RESETTLEMENT:
        if data.release_date is None:
            problem(ValidationFailed("The release date is required.", field="release_date"))
    else:
        problem(ValidationFailed("Choose a kind.", field="kind"))
    if data.sex not in tuple(Sex):
        problem(ValidationFailed("Choose a sex.", field="sex"))
    if data.birth_date is None:
        problem(ValidationFailed("The birth date is required.", field="birth_date"))
    elif data.birth_date > today:
        problem(ValidationFailed("The birth date cannot be in the future.", field="birth_date"))
    elif id_ok and birth_date_from_id(id_number) != data.birth_date:
        problem(
            ValidationFailed(
                "The birth date does not match the ID-card number.", field="birth_date"
            )
        )
    else:
        start = data.term_start if data.kind == PersonKind.CORRECTION else data.release_date
        if start is not None and start < data.birth_date:
            problem(ValidationFailed("The case cannot start before birth.", field="birth_date"))
    if data.education and data.education not in EDUCATION_LEVELS:
        problem(ValidationFailed("Choose an education level.", field="education"))
    if data.employment_status and data.employment_status not in EMPLOYMENT_STATUSES:
        problem(ValidationFailed("Choose an employment status.", field="employment_status"))
    return found


def _validate(data: PersonInput, today: date) -> None:
    found = _problems(data, today)
    if len(found) == 1:
        raise found[0]
    if found:
        raise InvalidFields(found)


def check_person(actor: User, data: PersonInput, person_id: int | None = None) -> None:
    """Raise every problem of the input at once (InvalidFields); writes nothing.

    For a form whose own checks already failed: staff see the rules' findings beside
    the form's, instead of discovering them one submission at a time."""
    if person_id is not None:
        data = _keep_untouched(get_person(actor, person_id), data)
    _validate(complete_from_id(data), local_today())


def _office_in_scope(actor: User, office_id: int) -> OrgUnit:
    office = db.session.get(OrgUnit, office_id)
    visible = visible_office_ids(actor)
    if office is None or office.kind != UnitKind.OFFICE:
        raise ValidationFailed("Choose an office.", field="office_id")
    if visible is not None and office_id not in visible:
        raise ValidationFailed("You cannot register people for another office.", field="office_id")
    return office


def require_writer(actor: User) -> None:
    if not actor.may_write_casework:
        raise PermissionDenied("Your role cannot change case records.")


def _apply(person: Person, data: PersonInput, office: OrgUnit) -> None:
    id_number = normalise_id_number(data.id_number)
    name = data.name.strip()
    phone = normalise_phone(data.phone) if data.phone else None
    person.name = name
    person.name_bidx = _index(normalise_name(name), "person.name")
    person.id_number = id_number
    person.id_number_bidx = _index(id_number, "person.id_number")
    person.phone = phone
    person.phone_bidx = _index(phone, "person.phone") if phone else None
    person.address = data.address.strip() or None
    person.office_id = office.id
    person.town = office.town or ""
    person.kind = data.kind
    person.correction_type = data.correction_type if data.kind == PersonKind.CORRECTION else None
    person.term_start = data.term_start if data.kind == PersonKind.CORRECTION else None
    person.term_end = data.term_end if data.kind == PersonKind.CORRECTION else None
    person.release_date = data.release_date if data.kind == PersonKind.RESETTLEMENT else None
    person.sex = data.sex
    # _validate refused a missing birth date; this narrows the type.
    assert data.birth_date is not None
    person.birth_date = data.birth_date
    person.education = data.education or None
    person.employment_status = data.employment_status or None
    person.skills = [s.strip() for s in data.skills if s.strip()]
    person.languages = [s.strip() for s in data.languages if s.strip()]
    consents = (data.consent_publication, data.consent_mentoring)
    if consents != (person.consent_publication, person.consent_mentoring):
        person.consent_recorded_at = utcnow()
    person.consent_publication = data.consent_publication
    person.consent_mentoring = data.consent_mentoring
    # Minor once means minor for good, even if the dates are later corrected.
    person.is_minor = bool(person.is_minor) or is_minor_case(data.birth_date, person.case_start)


def register_person(actor: User, data: PersonInput, *, ip: str | None = None) -> Person:
    """Register a person; refuses a second registration of the same ID number."""
    require_writer(actor)
    data = complete_from_id(data)
    _validate(data, local_today())
    office = _office_in_scope(actor, data.office_id)
    refuse_duplicate_id(actor, data, None, ip)
    person = Person(created_by_id=actor.id)
    _apply(person, data, office)
    db.session.add(person)
    db.session.flush()
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.PERSON_CREATE,
        "person",
        person.id,
        office_id=office.id,
    )
    db.session.commit()
    return person


def masked_identity(person: Person) -> dict[str, str]:
    """What the edit form shows of each identity field: never the clear value."""
    return {name: mask(getattr(person, name)) for name, mask in IDENTITY_MASKS.items()}


def _keep_untouched(person: Person, data: PersonInput) -> PersonInput:
    """An identity field sent back as the mask it was shown keeps its stored value."""
    masks = masked_identity(person)
    kept: dict[str, str] = {
        name: getattr(person, name) or ""
        for name in IDENTITY_MASKS
        if masks[name] and getattr(data, name).strip() == masks[name]
    }
    return replace(data, **kept)  # type: ignore[arg-type]  # only the str identity fields


def update_person(
    actor: User, person_id: int, data: PersonInput, *, ip: str | None = None
) -> Person:
    """Edit a person. Identity fields come back masked unless changed; what changed is
    audited by name (never by value)."""
    require_writer(actor)
    person = get_person(actor, person_id)
    data = complete_from_id(_keep_untouched(person, data))
    _validate(data, local_today())
    if data.office_id != person.office_id:
        raise ValidationFailed(
            "Use a transfer to move a person to another office.", field="office_id"
        )
    office = _office_in_scope(actor, data.office_id)
    if normalise_id_number(data.id_number) != person.id_number:
        refuse_duplicate_id(actor, data, person.id, ip)
    before = _snapshot(person)
    _apply(person, data, office)
    changed = sorted(k for k, v in _snapshot(person).items() if before.get(k) != v)
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.PERSON_UPDATE,
        "person",
        person.id,
        office_id=office.id,
        fields=changed,
    )
    db.session.commit()
    return person


def _snapshot(person: Person) -> dict[str, object]:
    keys = (
        "name",
        "id_number",
        "phone",
        "address",
        "kind",
        "correction_type",
        "term_start",
        "term_end",
        "release_date",
        "sex",
        "birth_date",
        "education",
        "employment_status",
        "skills",
        "languages",
        "consent_publication",
        "consent_mentoring",
    )
    return {k: getattr(person, k) for k in keys}


def scoped_people(actor: User) -> Select[tuple[Person]]:
    """People the actor may see, as a query to narrow further."""
    if not actor.does_casework:
        return select(Person).where(Person.id.is_(None))
    query = select(Person)
    offices = visible_office_ids(actor)
    if offices is not None:
        query = query.where(Person.office_id.in_(offices))
    if not actor.may_see_minors:
        query = query.where(Person.is_minor.is_(False))
    return query


def get_person(actor: User, person_id: int) -> Person:
    person = db.session.scalar(scoped_people(actor).where(Person.id == person_id))
    if person is None:
        raise NotFound("No such person.")
    return person


def view_person(actor: User, person_id: int, *, ip: str | None = None) -> Person:
    """Open a person's record; the view itself is audited."""
    person = get_person(actor, person_id)
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.PERSON_VIEW,
        "person",
        person.id,
        office_id=person.office_id,
    )
    db.session.commit()
    return person


def reveal_field(actor: User, person_id: int, field_name: str, *, ip: str | None = None) -> str:
    """Show one identity field in the clear, to roles allowed to, and audit it."""
    if field_name not in PII_FIELDS:
        raise NotFound("No such field.")
    person = get_person(actor, person_id)
    if not actor.may_reveal:
        raise PermissionDenied("Your role cannot reveal personal data.")
    value = getattr(person, field_name) or ""
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.PERSON_REVEAL,
        "person",
        person.id,
        office_id=person.office_id,
        field=field_name,
    )
    db.session.flush()
    check_mass_reveal(actor, ip)
    db.session.commit()
    return str(value)


@dataclass
class PersonFilter:
    q: str = ""
    office_id: int | None = None
    status: str | None = None
    kind: str | None = None
    paging: PageRequest = field(default_factory=PageRequest)


def _search_clause(q: str) -> tuple[str, object] | None:
    """What the query is (an ID number, a phone number or a name) and its clause."""
    q = q.strip()
    if not q:
        return None
    ring = keyring()
    compact = normalise_id_number(q)
    if re.fullmatch(r"\d{17}[\dX]", compact):
        return "id_number", Person.id_number_bidx.in_(
            ring.blind_indexes(compact, "person.id_number")
        )
    phone = normalise_phone(q)
    if re.fullmatch(r"\+?\d{7,13}", phone):
        return "phone", Person.phone_bidx.in_(ring.blind_indexes(phone, "person.phone"))
    return "name", Person.name_bidx.in_(ring.blind_indexes(normalise_name(q), "person.name"))


def search_people(actor: User, filters: PersonFilter, *, ip: str | None = None) -> Listing[Person]:
    """Exact search by name, ID number or phone, plus filters; two queries whatever the size
    or the page (core/listing.py).

    A search by identity is audited: what was searched for (its kind, never its value)
    and how many records matched."""
    query = scoped_people(actor)
    search = _search_clause(filters.q)
    if search is not None:
        query = query.where(search[1])  # type: ignore[arg-type]
    if filters.office_id:
        query = query.where(Person.office_id == filters.office_id)
    if filters.status:
        query = query.where(Person.status == filters.status)
    if filters.kind:
        query = query.where(Person.kind == filters.kind)
    pager = Pager("persons", [Person.id], [int], filters.paging)
    found = page_of(query, pager, lambda person: (person.id,), joinedload(Person.office))
    total = found.total
    if search is not None:
        audit.record(
            Actor(actor.id, actor.username, ip),
            AuditAction.PERSON_SEARCH,
            "person",
            None,
            by=search[0],
            matches=total,
        )
        db.session.commit()
    return found
