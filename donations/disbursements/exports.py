"""The payouts list as a file for people: CSV or XLSX, the same rows as the page.

Chinese headers, amounts in yuan written exactly from fen, methods and statuses in words;
who proposed and when, who approved or rejected and when, what the need held before and
after. The payee is masked as a name is (cash aid is paid to the person), so the file is
never a reveal. Stamped with who exported it and when, and audited.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from core.audit_actions import AuditAction
from core.export import Cell, Export
from core.list_export import ExportRequest, ListExport, audited_export, when
from core.money import yuan_text
from core.privacy import mask_name
from donations.disbursements.forms import METHOD_LABELS
from donations.disbursements.queries import payout_page

MAX_ROWS = 100_000
STATUS_LABELS = {
    "proposed": _l("Awaiting approval"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
}


def _headers() -> list[str]:
    return [
        gettext("Number"),
        gettext("Need"),
        gettext("Amount (yuan)"),
        gettext("Method"),
        gettext("Payee"),
        gettext("Paid on"),
        gettext("Status"),
        gettext("Proposed by"),
        gettext("Proposed at"),
        gettext("Decided by"),
        gettext("Decided at"),
        gettext("Need held before (yuan)"),
        gettext("Need holds after (yuan)"),
    ]


def export_payouts(request: ExportRequest) -> Export:
    """Every payout, newest first, as the payouts page lists them."""
    page = payout_page(recent=MAX_ROWS)
    rows: list[list[Cell]] = []
    for payout in page.payouts:
        held = page.held.get(payout.id)
        rows.append(
            [
                payout.id,
                payout.listing.need.alias,
                yuan_text(payout.amount_fen),
                str(METHOD_LABELS.get(payout.method, payout.method)),
                mask_name(payout.payee),
                payout.paid_on.isoformat(),
                str(STATUS_LABELS.get(payout.status, payout.status)),
                page.names.get(payout.proposed_by_id, ""),
                when(payout.proposed_at),
                page.names.get(payout.approved_by_id, "") if payout.approved_by_id else "",
                when(payout.decided_at),
                yuan_text(held.before_fen) if held else "",
                yuan_text(held.after_fen) if held else "",
            ]
        )
    kind = ListExport(
        "payouts", gettext("Payouts"), AuditAction.DISBURSEMENT_EXPORT, "disbursement"
    )
    return audited_export(request, kind, _headers(), rows)
