"""The programmes list as a file for people: CSV or XLSX, the programmes the viewer may
see (a coordinator: their own), with partner organisations and state in words."""

from __future__ import annotations

from flask_babel import gettext

from core.audit_actions import AuditAction
from core.export import Cell, Export
from core.list_export import ExportRequest, ListExport, audited_export
from volunteers.programmes.queries import programmes_for


def export_programmes(request: ExportRequest) -> Export:
    """The programmes the asker may see, by name, as the programmes page lists them."""
    headers = [
        gettext("Programme"),
        gettext("Partner organisations"),
        gettext("Status"),
    ]
    rows: list[list[Cell]] = [
        [
            programme.name,
            "、".join(partner.name for partner in programme.partners),
            gettext("Open to volunteers") if programme.active else gettext("Closed"),
        ]
        for programme in programmes_for(request.actor)
    ]
    kind = ListExport(
        "programmes", gettext("Volunteer programmes"), AuditAction.PROGRAMME_EXPORT, "programme"
    )
    return audited_export(request, kind, headers, rows)
