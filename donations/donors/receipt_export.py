"""The official-receipt requests waiting to be issued, as a file for finance: CSV or XLSX.

Chinese headers, amounts in yuan written exactly from fen. The name on the receipt is
masked as a person's name is and the credit code left out: the file says which gifts
wait for a receipt, the page (behind the finance role) has what to write on it.
"""

from __future__ import annotations

from flask_babel import gettext

from core.audit_actions import AuditAction
from core.export import Cell, Export
from core.list_export import ExportRequest, ListExport, audited_export, when
from core.money import yuan_text
from core.privacy import mask_name
from donations.donors.receipts import pending_receipts


def export_receipts(request: ExportRequest) -> Export:
    """The receipt requests waiting to be issued, oldest first, as the page lists them."""
    headers = [
        gettext("Requested"),
        gettext("Name on receipt"),
        gettext("Amount (yuan)"),
        gettext("Certificate"),
    ]
    rows: list[list[Cell]] = [
        [
            when(receipt.requested_at),
            mask_name(receipt.name),
            yuan_text(receipt.donation.amount_fen),
            receipt.donation.certificate_no or "",
        ]
        for receipt in pending_receipts()
    ]
    kind = ListExport(
        "receipt-requests",
        gettext("Official receipt requests"),
        AuditAction.RECEIPT_EXPORT,
        "donation",
    )
    return audited_export(request, kind, headers, rows)
