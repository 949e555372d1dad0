"""The audit log in words an auditor reads: what kind of record an entry is about, and its
details as a sentence ("Amount: ¥100.00; Reason: ...", 金额：¥100.00；原因：……) rather than stored keys and codes.

The stored entry never changes (the chain seals it as it is); only its reading does.
A key no list here names is shown as stored, so an entry of an older release still reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from core.audit_actions import action_label
from core.money import format_fen

OBJECT_TYPES = {
    "need": _l("Need"),
    "person": _l("Person"),
    "staff_user": _l("Staff account"),
    "task": _l("Task"),
    "project": _l("Fundraising project"),
    "pool": _l("Pool"),
    "donation": _l("Donation"),
    "donor": _l("Donor"),
    "disbursement": _l("Payout"),
    "allocation_proposal": _l("Allocation proposal"),
    "journal": _l("Journal"),
    "reconcile_run": _l("Reconciliation run"),
    "discrepancy": _l("Reconciliation discrepancy"),
    "audit": _l("Audit log"),
    "report": _l("Report"),
    # The jobs and bases wing's records.
    "base": _l("Base"),
    "base_session": _l("Base session"),
    "placement": _l("Placement"),
    "employer": _l("Employer"),
    "opening": _l("Job opening"),
    "referral": _l("Job referral"),
    "consent": _l("Consent"),
    "training_partner": _l("Training partner"),
    "training_round": _l("Training round"),
    "course": _l("Training course"),
    "course_session": _l("Class session"),
    "training_application": _l("Training application"),
    "training_allocation_run": _l("Seat allocation run"),
    "training_offer": _l("Training offer"),
    "training_enrolment": _l("Trainee"),
    "training_certificate": _l("Completion certificate"),
    # The volunteers wing's records.
    "volunteer": _l("Volunteer"),
    "programme": _l("Volunteer programme"),
    "activity": _l("Activity"),
    "shift": _l("Shift"),
    "hours": _l("Volunteer hours"),
    "mentoring_run": _l("Pairing run"),
    "mentor_pair": _l("Mentoring pair"),
    "meeting": _l("Meeting"),
}

DETAIL_LABELS = {
    "amount_fen": _l("Amount"),
    "total_fen": _l("Total"),
    "count": _l("Rows"),
    "format": _l("Format"),
    "start": _l("Start date"),
    "end": _l("End date"),
    "identity": _l("Identity"),
    "filters": _l("Filters"),
    "reason": _l("Reason"),
    "reasons": _l("Reasons"),
    "note": _l("Note"),
    "review_note": _l("Review note"),
    "listing": _l("Need listing"),
    "project": _l("Project"),
    "funded": _l("Needs funded"),
    "role": _l("Role"),
    "scope": _l("Scope"),
    "juvenile": _l("Juvenile permission"),
    "changes": _l("Changes"),
    "fields": _l("Fields"),
    "field": _l("Field"),
    "by": _l("Searched by"),
    "matches": _l("Matches"),
    "to_office": _l("To office"),
    "transfer": _l("Transfer"),
    "key_id": _l("Key"),
    "older_than_years": _l("Ended more than (years)"),
    "colleagues_median": _l("Colleagues' median"),
    "kind": _l("Kind"),
    "receipt_no": _l("Receipt number"),
    "expected": _l("Expected"),
    "got": _l("Received"),
    "applied": _l("Events applied"),
    "ok": _l("Consistent"),
    "checked": _l("Entries checked"),
    "problems": _l("Problems"),
    "month": _l("Month"),
    "report": _l("Report"),
    "sections": _l("Sections"),
    # The audit page's own filters, as a view or an export records them.
    "action": _l("Action"),
    "actor": _l("User"),
    "object_type": _l("Object type"),
    "object_id": _l("Object id"),
    "since": _l("From"),
    "until": _l("To"),
    "page": _l("Page"),
    "from": _l("From"),
    "to": _l("To"),
    "status": _l("Status"),
    "project_id": _l("Project"),
    "q": _l("Search"),
    # The wings' details.
    "access_until": _l("Access until"),
    "applicants": _l("Applicants"),
    "base": _l("Base"),
    "before": _l("Before"),
    "capacity": _l("Capacity"),
    "channel": _l("Channel"),
    "completed": _l("Completed"),
    "concern": _l("Concern flagged"),
    "conduct_version": _l("Code of conduct version"),
    "consent": _l("Consent"),
    "course": _l("Training course"),
    "created": _l("Newly created"),
    "enrolments": _l("Trainees"),
    "events": _l("Events"),
    "excluded": _l("Excluded"),
    "freed": _l("Seats freed"),
    "found": _l("Found"),
    "from_office_id": _l("From office"),
    "given_on": _l("Given on"),
    "meeting": _l("Meeting"),
    "meetings": _l("Meetings"),
    "mentees": _l("Mentees"),
    "minutes": _l("Minutes"),
    "months": _l("Months"),
    "named": _l("Names shown"),
    "needs_vetting": _l("Needs vetting"),
    "office_id": _l("Office"),
    "opening": _l("Job opening"),
    "outcome": _l("Outcome"),
    "pairs": _l("Pairs"),
    "partner": _l("Partner"),
    "passed": _l("Passed"),
    "person": _l("Person"),
    "person_id": _l("Person"),
    "placement": _l("Placement"),
    "present": _l("Present"),
    "previous_contact": _l("Previous contact"),
    "proposed": _l("Proposed"),
    "purpose": _l("Purpose"),
    "round": _l("Training round"),
    "rows": _l("Rows"),
    "seats": _l("Seats"),
    "seeking": _l("Seeking work"),
    "shared": _l("Shared"),
    "shares": _l("Shared"),
    "step": _l("Step"),
    "subject": _l("Subject"),
    "trainees": _l("Trainees"),
    "volunteer_id": _l("Volunteer"),
    "volunteers": _l("Volunteers"),
    "was": _l("Was"),
    "with_minors": _l("Includes minors"),
}

# Values stored as codes, read as words.
VALUE_WORDS = {
    "masked": _l("masked"),
    "clear": _l("in clear"),
    "csv": "CSV",
    "xlsx": "XLSX",
    "id_number": _l("ID number"),
    "phone": _l("Phone"),
    "name": _l("Name"),
    "address": _l("Address"),
    "png": "PNG",
    "pdf": "PDF",
    # Why a need moved (move_need_status notes), stored in English.
    "paid out": _l("Paid out"),
    "fully funded": _l("Fully funded by gifts"),
    "funded by allocation": _l("Funded by an allocation"),
    "funded by money from a closed need": _l("Funded by money from a closed need"),
    "deadline passed unfunded": _l("The deadline passed before it was funded"),
    "reopened by refund": _l("Reopened after a refund"),
    # Codes of the wings' records.
    "proposed": _l("Proposed"),
    "awaiting_officer": _l("Awaiting the officer"),
    "active": _l("Active"),
    "declined": _l("Declined"),
    "ended": _l("Ended"),
    "attendance": _l("Attendance sheet"),
    "list": _l("Trainee list"),
    "case_ended": _l("The case ended"),
    "ended_by_staff": _l("Ended by staff"),
}

# What a consent lets a partner or a volunteer see (details `shared`, `shares`).
SHARED_WORDS = {
    "town": _l("Town"),
    "languages": _l("Languages"),
    "needs": _l("Needs"),
    "status": _l("Correction or resettlement status"),
    "offence": _l("Offence"),
}


# Who acted when no staff member did: the platform's own parts.
SYSTEM_ACTORS = {
    "system": _l("System"),
    "cli": _l("System (command line)"),
    "payments": _l("System (payments)"),
    "need-closing": _l("System (closing needs)"),
    "allocation": _l("System (allocation)"),
    "donor": _l("A donor"),
    "rotate-key": _l("System (key rotation)"),
    "anonymise-ended": _l("System (anonymisation)"),
    "audit-verify": _l("System (audit verification)"),
    "monthly-report": _l("System (monthly report)"),
    "public": _l("The public (certificate check)"),
}


def who_label(label: str, actor_id: int | None, display_name: str | None) -> str:
    """A staff member's display name; a volunteer; the part of the platform that acted
    otherwise; as typed for a failed sign-in (no account)."""
    if display_name:
        return display_name
    if actor_id is None and label in SYSTEM_ACTORS:
        return str(SYSTEM_ACTORS[label])
    if actor_id is None and label.startswith("volunteer:"):
        number = label.removeprefix("volunteer:")
        if number.isdigit():
            return str(gettext("Volunteer #%(id)s", id=number))
        return str(gettext("A volunteer (not signed in)"))
    return label


# Names of records whose ids details hold, by (detail key, id): see describe().
Names = Mapping[tuple[str, str], str]


def object_label(object_type: str | None, object_id: str | None, names: Names | None = None) -> str:
    """ "Need #12" (帮扶需求 #12): the kind of record an entry is about, and its id; or
    its name where `names` has one (a report by its title)."""
    if not object_type:
        return ""
    kind = OBJECT_TYPES.get(object_type)
    name = str(kind) if kind is not None else object_type
    if names and object_id and (object_type, object_id) in names:
        return str(gettext("%(key)s: %(value)s", key=name, value=names[(object_type, object_id)]))
    return f"{name} #{object_id}" if object_id else name


def _value(key: str, value: Any, names: Names | None = None) -> str:
    if value is None or value == "":
        return "—"
    if names and isinstance(value, str | int) and (key, str(value)) in names:
        return names[(key, str(value))]
    # The audit page's own filters, as recorded: the kind of record and the action by name.
    if key == "object_type" and str(value) in OBJECT_TYPES:
        return str(OBJECT_TYPES[str(value)])
    if key == "action" and isinstance(value, str):
        return action_label(value)
    if isinstance(value, bool):
        return str(gettext("yes") if value else gettext("no"))
    if key.endswith("_fen") and isinstance(value, int):
        return format_fen(value)
    if key == "reasons" and isinstance(value, list):
        # Publication refusals are stored as the English msgids the page showed.
        return str(gettext(", ")).join(str(gettext(str(item))) for item in value)
    if isinstance(value, Mapping):
        return str(gettext(", ")).join(
            str(gettext("%(key)s=%(value)s", key=_key(k), value=_value(str(k), v)))
            for k, v in value.items()
        )
    if isinstance(value, list | tuple):
        return str(gettext(", ")).join(_value(key, item) for item in value)
    if key in ("shared", "shares") and str(value) in SHARED_WORDS:
        return str(SHARED_WORDS[str(value)])
    word = VALUE_WORDS.get(str(value))
    return str(word) if word is not None else str(value)


def _key(key: object) -> str:
    label = DETAIL_LABELS.get(str(key))
    return str(label) if label is not None else str(key)


def describe(detail: Mapping[str, Any] | None, names: Names | None = None) -> str:
    """An entry's details as one sentence: "Amount: ¥100.00; Reason: ...". `names` reads a
    record's id as its name (the need a listing id stands for)."""
    if not detail:
        return ""
    return str(gettext("; ")).join(
        str(gettext("%(key)s: %(value)s", key=_key(key), value=_value(key, value, names)))
        for key, value in detail.items()
    )


__all__ = [
    "DETAIL_LABELS",
    "OBJECT_TYPES",
    "SYSTEM_ACTORS",
    "describe",
    "object_label",
    "who_label",
]
