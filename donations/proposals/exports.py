"""The allocation proposals as a file for people: CSV or XLSX, newest first.

Chinese headers, amounts in yuan written exactly from fen, statuses in words; who
proposed, who gave the first and second approval or rejected, and when. A proposal
names pools and counts needs, never a person. Stamped with who exported it and when,
and audited.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.audit_actions import AuditAction
from core.audit_words import who_label
from core.db import db
from core.export import Cell, Export
from core.list_export import ExportRequest, ListExport, audited_export, when
from core.money import yuan_text
from core.users import User
from donations.projects.models import Project
from donations.proposals.queries import recent_proposals

MAX_ROWS = 100_000
STATUS_LABELS = {
    "proposed": _l("Awaiting approval"),
    "awaiting_second": _l("Awaiting second approval"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
}


def _headers() -> list[str]:
    return [
        gettext("Number"),
        gettext("Project"),
        gettext("Total (yuan)"),
        gettext("Needs funded"),
        gettext("Status"),
        gettext("Proposed by"),
        gettext("Proposed at"),
        gettext("First approval"),
        gettext("First approved at"),
        gettext("Second approval"),
        gettext("Rejected by"),
        gettext("Decided at"),
    ]


def export_proposals(request: ExportRequest) -> Export:
    """Every proposal, newest first; three queries."""
    proposals = recent_proposals(MAX_ROWS)
    ids = {
        i
        for p in proposals
        for i in (p.proposed_by_id, p.first_approver_id, p.second_approver_id, p.rejected_by_id)
        if i is not None
    }
    names = (
        {
            uid: who_label(username, uid, name)
            for uid, username, name in db.session.execute(
                select(User.id, User.username, User.display_name).where(User.id.in_(ids))
            )
        }
        if ids
        else {}
    )
    titles = dict(db.session.execute(select(Project.id, Project.title)).tuples().all())

    def name(user_id: int | None) -> str:
        return names.get(user_id, "") if user_id is not None else ""

    rows: list[list[Cell]] = [
        [
            p.id,
            titles.get(p.project_id, "") if p.project_id else "",
            yuan_text(p.total_fen),
            f"{len(p.result.get('funded', []))} / {len(p.snapshot.get('needs', []))}",
            str(STATUS_LABELS.get(p.status, p.status)),
            name(p.proposed_by_id),
            when(p.proposed_at),
            name(p.first_approver_id),
            when(p.first_approved_at),
            name(p.second_approver_id),
            name(p.rejected_by_id),
            when(p.decided_at),
        ]
        for p in proposals
    ]
    kind = ListExport(
        "allocations",
        gettext("Allocations"),
        AuditAction.ALLOCATION_EXPORT,
        "allocation_proposal",
    )
    return audited_export(request, kind, _headers(), rows)
