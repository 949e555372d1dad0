"""Bases and placements as files for people: CSV or XLSX, as the lists filter them.

Chinese headers, kinds and statuses in words. A placement's person is masked for staff
and named by the placement's alias for a base contact, whatever the consent allows on
screen: a file travels further than a page. A base contact's files hold their base only.
"""

from __future__ import annotations

from flask_babel import gettext

from core.audit_actions import AuditAction
from core.export import Cell, Export
from core.list_export import ExportRequest, ListExport, audited_export, rows_of
from core.privacy import mask_name
from core.users import Role, User
from jobs_bases.bases.forms import KIND_LABELS
from jobs_bases.bases.models import Base, Placement, PlacementStatus
from jobs_bases.bases.queries import BaseFilter, PlacementFilter, base_query, placement_query


def export_bases(request: ExportRequest, filters: BaseFilter) -> Export:
    """The bases the asker may see, filtered as the list is."""
    headers = [
        gettext("Base"),
        gettext("Base type"),
        gettext("Town"),
        gettext("Organisation"),
        gettext("Capacity"),
        gettext("Activities"),
        gettext("Status"),
    ]
    rows: list[list[Cell]] = [
        [
            base.name,
            str(KIND_LABELS.get(base.kind, base.kind)),
            base.town,
            base.organisation,
            base.capacity,
            "、".join(base.activities),
            gettext("Out of use") if base.retired_at is not None else gettext("In use"),
        ]
        for base in rows_of(base_query(request.actor, filters).order_by(Base.id))
    ]
    kind = ListExport("bases", gettext("Bases"), AuditAction.BASE_EXPORT, "base")
    return audited_export(request, kind, headers, rows)


def _who(actor: User, placement: Placement) -> str:
    if actor.has_role(Role.BASE_CONTACT):
        return placement.alias
    return mask_name(placement.person.name)


def export_placements(request: ExportRequest, filters: PlacementFilter) -> Export:
    """The placements the asker may see, filtered as the list is, newest first."""
    headers = [
        gettext("Number"),
        gettext("Person"),
        gettext("Base"),
        gettext("Town"),
        gettext("From"),
        gettext("Until"),
        gettext("Status"),
    ]
    query = placement_query(request.actor, filters).order_by(Placement.id.desc())
    rows: list[list[Cell]] = [
        [
            placement.id,
            _who(request.actor, placement),
            placement.base.name,
            placement.base.town,
            placement.starts_on.isoformat(),
            placement.last_day.isoformat(),
            gettext("Active") if placement.status == PlacementStatus.ACTIVE else gettext("Ended"),
        ]
        for placement in rows_of(query)
    ]
    kind = ListExport(
        "placements", gettext("Placements"), AuditAction.PLACEMENT_EXPORT, "placement"
    )
    return audited_export(request, kind, headers, rows)
