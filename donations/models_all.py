"""Import every model of the wing so that the metadata (and Alembic) sees its tables."""

from donations.ledger.models import Account, JournalEntry, JournalLine
from donations.models import (
    AllocationLine,
    AllocationProposal,
    CertificateCounter,
    Disbursement,
    Donation,
    Donor,
    NeedListing,
    OutboxMessage,
    Pool,
    Project,
    ProviderEvent,
    ReceiptRequest,
    ReconcileRun,
    Refund,
    Subscription,
)

__all__ = [
    "Account",
    "AllocationLine",
    "AllocationProposal",
    "CertificateCounter",
    "Disbursement",
    "Donation",
    "Donor",
    "JournalEntry",
    "JournalLine",
    "NeedListing",
    "OutboxMessage",
    "Pool",
    "Project",
    "ProviderEvent",
    "ReceiptRequest",
    "ReconcileRun",
    "Refund",
    "Subscription",
]
