"""Import every model of the wing so that the metadata (and Alembic) sees its tables."""

from donations.ledger.models import Account, JournalEntry, JournalLine
from donations.models import (
    Donation,
    Donor,
    NeedListing,
    Pool,
    Project,
    ProviderEvent,
    ReconcileRun,
    Refund,
)

__all__ = [
    "Account",
    "Donation",
    "Donor",
    "JournalEntry",
    "JournalLine",
    "NeedListing",
    "Pool",
    "Project",
    "ProviderEvent",
    "ReconcileRun",
    "Refund",
]
