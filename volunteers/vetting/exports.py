"""The volunteers list as a file for people: CSV or XLSX, of one vetting state or all.

Chinese headers, vetting states in words. Nothing identifying: the display name masked,
no username, email or phone; the organisation and when they registered.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from core.audit_actions import AuditAction
from core.db import db
from core.export import Cell, Export
from core.list_export import MAX_ROWS, ExportRequest, ListExport, audited_export, when
from core.privacy import mask_name
from volunteers.accounts.models import Volunteer
from volunteers.vetting.queries import volunteers_query

STATUS_LABELS = {
    "pending": _l("Awaiting vetting"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "suspended": _l("Suspended"),
}


def export_volunteers(request: ExportRequest, status: str | None) -> Export:
    """The volunteers of `status` (all for None), newest first."""
    headers = [
        gettext("Number"),
        gettext("Volunteer"),
        gettext("Organisation"),
        gettext("Registered"),
        gettext("Vetting"),
    ]
    query = (
        volunteers_query(status)
        .options(joinedload(Volunteer.organisation))
        .order_by(Volunteer.created_at.desc(), Volunteer.id.desc())
        .limit(MAX_ROWS)
    )
    rows: list[list[Cell]] = [
        [
            volunteer.id,
            mask_name(volunteer.display_name),
            volunteer.organisation.name if volunteer.organisation else "",
            when(volunteer.created_at),
            str(STATUS_LABELS.get(vetting.status, vetting.status)),
        ]
        for volunteer, vetting in db.session.execute(query).tuples()
    ]
    kind = ListExport(
        "volunteers", gettext("Volunteers"), AuditAction.VOLUNTEER_EXPORT, "volunteer"
    )
    return audited_export(request, kind, headers, rows)
