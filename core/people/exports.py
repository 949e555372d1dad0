"""The people list as a file for people: CSV or XLSX, as the list filters it.

Identity is masked as on the list (name, ID number, phone), so the usual export is not a
reveal. An export with identity in clear is one: only the roles that may reveal, within
their scope, and every person in it is audited as revealed (`person.reveal`, so the
mass-reveal alarm counts it), besides the export's own entry. Stamped with who exported
it and when (the XLSX's first rows, both files' names), and whether identity is in clear.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.errors import PermissionDenied
from core.export import Cell, Export, ExportFormat, Stamp, write_table
from core.people.alarms import check_mass_reveal
from core.people.models import Person
from core.people.services import scoped_people
from core.privacy import IDENTITY_MASKS
from core.timeutil import to_local
from core.users import User

MAX_ROWS = 100_000
KIND_LABELS = {
    "correction": _l("Community correction"),
    "resettlement": _l("Post-release resettlement"),
}
STATUS_LABELS = {"active": _l("Active"), "ended": _l("Ended"), "transferred": _l("Transferred")}
IDENTITY = ("name", "id_number", "phone")


@dataclass(frozen=True)
class PeopleFilter:
    office_id: int | None = None
    status: str | None = None
    kind: str | None = None


def _headers() -> list[str]:
    return [
        gettext("Number"),
        gettext("Name"),
        gettext("ID number"),
        gettext("Phone"),
        gettext("Town"),
        gettext("Judicial office"),
        gettext("Kind"),
        gettext("Status"),
        gettext("Registered"),
    ]


def _people(actor: User, filters: PeopleFilter) -> list[Person]:
    query = scoped_people(actor)
    if filters.office_id:
        query = query.where(Person.office_id == filters.office_id)
    if filters.status:
        query = query.where(Person.status == filters.status)
    if filters.kind:
        query = query.where(Person.kind == filters.kind)
    return list(
        db.session.scalars(
            query.options(joinedload(Person.office)).order_by(Person.id.desc()).limit(MAX_ROWS)
        )
    )


def _row(person: Person, clear: bool) -> list[Cell]:
    identity = [
        (getattr(person, name) or "") if clear else IDENTITY_MASKS[name](getattr(person, name))
        for name in IDENTITY
    ]
    return [
        person.id,
        *identity,
        person.town,
        person.office.name,
        str(KIND_LABELS.get(person.kind, person.kind)),
        str(STATUS_LABELS.get(person.status, person.status)),
        to_local(person.created_at).strftime("%Y-%m-%d %H:%M"),
    ]


def export_people(
    actor: User,
    filters: PeopleFilter,
    fmt: ExportFormat,
    *,
    clear: bool = False,
    ip: str | None = None,
) -> Export:
    """The people `actor` may see, filtered as the list is (every page), newest first;
    identity masked, or in clear (a reveal: PermissionDenied for other roles)."""
    if clear and not actor.may_reveal:
        raise PermissionDenied("Your role cannot reveal personal data.")
    people = _people(actor, filters)
    now = utcnow()
    stamp = Stamp(
        title=gettext("People"),
        username=actor.username,
        exported_at=now,
        lines=[
            (gettext("Exported by"), actor.display_name),
            (gettext("Exported at"), to_local(now).strftime("%Y-%m-%d %H:%M")),
            (
                gettext("Identity"),
                gettext("In clear: every person in this file is recorded as revealed.")
                if clear
                else gettext("Masked"),
            ),
        ],
    )
    export = write_table(
        "people-identity" if clear else "people",
        _headers(),
        [_row(person, clear) for person in people],
        fmt,
        stamp=stamp,
    )
    who = Actor(actor.id, actor.username, ip)
    if clear:
        for person in people:
            audit.record(
                who,
                AuditAction.PERSON_REVEAL,
                "person",
                person.id,
                office_id=person.office_id,
                field="export",
            )
        db.session.flush()
        check_mass_reveal(actor, ip)
    audit.record(
        who,
        AuditAction.PERSON_EXPORT,
        "person",
        None,
        format=fmt.value,
        rows=len(people),
        identity="clear" if clear else "masked",
    )
    db.session.commit()
    return export
