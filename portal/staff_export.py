"""The staff accounts list as a file for admins: CSV or XLSX, as /admin/users lists them.

Chinese headers, roles in words, each account's scope and whether it may sign in. No
password, no secret of any kind.
"""

from __future__ import annotations

from flask_babel import gettext

from core.audit_actions import AuditAction
from core.export import Cell, Export
from core.list_export import ExportRequest, ListExport, audited_export
from core.staff import list_users
from portal.forms import ROLE_LABELS


def export_users(request: ExportRequest) -> Export:
    """Every staff account, by username."""
    headers = [
        gettext("Username"),
        gettext("Display name"),
        gettext("Role"),
        gettext("Scope"),
        gettext("Active"),
    ]
    rows: list[list[Cell]] = [
        [
            user.username,
            user.display_name,
            str(ROLE_LABELS.get(user.role, user.role)),
            user.scope_unit.name if user.scope_unit else "",
            gettext("yes") if user.active else gettext("no"),
        ]
        for user in list_users()
    ]
    kind = ListExport(
        "staff-accounts", gettext("Staff accounts"), AuditAction.USER_EXPORT, "staff_user"
    )
    return audited_export(request, kind, headers, rows)
