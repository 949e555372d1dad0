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

from core.money import format_fen

OBJECT_TYPES = {
    "need": _l("Need"),
    "person": _l("Person"),
    "staff_user": _l("Staff account"),
    "task": _l("Task"),
    "project": _l("Fundraising project"),
    "donation": _l("Donation"),
    "donor": _l("Donor"),
    "disbursement": _l("Payout"),
    "allocation_proposal": _l("Allocation proposal"),
    "journal": _l("Journal"),
    "reconcile_run": _l("Reconciliation run"),
    "discrepancy": _l("Reconciliation discrepancy"),
    "audit": _l("Audit log"),
    "report": _l("Report"),
}

DETAIL_LABELS = {
    "amount_fen": _l("Amount"),
    "total_fen": _l("Total"),
    "count": _l("Rows"),
    "format": _l("Format"),
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
}

# Values stored as codes, read as words.
VALUE_WORDS = {
    "csv": "CSV",
    "xlsx": "XLSX",
    "id_number": _l("ID number"),
    "phone": _l("Phone"),
    "name": _l("Name"),
    "address": _l("Address"),
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
}


def who_label(label: str, actor_id: int | None, display_name: str | None) -> str:
    """A staff member's display name; the part of the platform that acted otherwise; as
    typed for a failed sign-in (no account)."""
    if display_name:
        return display_name
    if actor_id is None and label in SYSTEM_ACTORS:
        return str(SYSTEM_ACTORS[label])
    return label


def object_label(object_type: str | None, object_id: str | None) -> str:
    """ "Need #12" (帮扶需求 #12): the kind of record an entry is about, and its id."""
    if not object_type:
        return ""
    kind = OBJECT_TYPES.get(object_type)
    name = str(kind) if kind is not None else object_type
    return f"{name} #{object_id}" if object_id else name


def _value(key: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
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
    word = VALUE_WORDS.get(str(value))
    return str(word) if word is not None else str(value)


def _key(key: object) -> str:
    label = DETAIL_LABELS.get(str(key))
    return str(label) if label is not None else str(key)


def describe(detail: Mapping[str, Any] | None) -> str:
    """An entry's details as one sentence: "Amount: ¥100.00; Reason: ..."."""
    if not detail:
        return ""
    return str(gettext("; ")).join(
        str(gettext("%(key)s: %(value)s", key=_key(key), value=_value(key, value)))
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
