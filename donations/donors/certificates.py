"""Donation certificates: numbered per project, year and sequence, issued on payment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from core.db import db
from core.money import amount_in_words
from core.timeutil import local_today, to_local
from donations.donors.models import CertificateCounter
from donations.giving.models import Donation, DonationStatus
from donations.projects.models import Project

ANONYMOUS_NAME = "爱心人士"


def assign_number(donation: Donation, project: Project) -> str:
    """Take the project's next number of the year (caller's transaction).

    Numbers read PREFIX-YEAR-SEQUENCE; the prefix is unique per project. One
    statement opens the year's counter or moves it on and answers the new value:
    the counter's row stays locked only from here to the caller's commit, so
    callers take the number as the last step before committing, and payments
    booked at the same moment wait for each other that long and no longer.
    """
    year = local_today().year
    insert = sqlite_insert if db.session.get_bind().dialect.name == "sqlite" else pg_insert
    statement = (
        insert(CertificateCounter)
        .values(project_id=project.id, year=year, last_seq=1)
        .on_conflict_do_update(
            index_elements=[CertificateCounter.project_id, CertificateCounter.year],
            set_={"last_seq": CertificateCounter.last_seq + 1},
        )
        .returning(CertificateCounter.last_seq)
    )
    seq = int(db.session.execute(statement).scalar_one())
    donation.certificate_no = f"{project.certificate_prefix}-{year}-{seq:06d}"
    return donation.certificate_no


@dataclass(frozen=True)
class Certificate:
    number: str
    donor_display_name: str
    amount_fen: int
    amount_in_words: str
    project_title: str
    charity_name: str
    issued_on: date

    def as_json(self) -> dict[str, object]:
        return {
            "number": self.number,
            "donor_display_name": self.donor_display_name,
            "amount_fen": self.amount_fen,
            "amount_in_words": self.amount_in_words,
            "project_title": self.project_title,
            "charity_name": self.charity_name,
            "issued_on": self.issued_on.isoformat(),
        }


def certificate_for(donation: Donation) -> Certificate | None:
    """The certificate of a paid donation, for what was kept after refunds; None until
    the payment succeeded, and None again once it was wholly refunded."""
    if donation.certificate_no is None or donation.paid_at is None:
        return None
    if donation.status == DonationStatus.REFUNDED:
        return None  # nothing was given in the end: no certificate to show
    donor = donation.donor
    name = ANONYMOUS_NAME
    if donor is not None and not donation.anonymous and donor.display_name:
        name = donor.display_name
    return Certificate(
        number=donation.certificate_no,
        donor_display_name=name,
        amount_fen=donation.amount_fen - donation.refunded_fen,
        amount_in_words=amount_in_words(donation.amount_fen - donation.refunded_fen),
        project_title=donation.project.title,
        charity_name=donation.project.charity_name,
        issued_on=to_local(donation.paid_at).date(),
    )
