"""Donation certificates: numbered per project, year and sequence, issued on payment."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.db import db
from core.money import amount_in_words
from core.timeutil import local_today, to_local
from donations.donors.models import CertificateCounter
from donations.giving.models import Donation, DonationStatus
from donations.projects.models import Project

ANONYMOUS_NAME = "爱心人士"


def assign_number(donation: Donation, project: Project) -> str:
    """Take the project's next number of the year under a row lock (caller's transaction).

    Numbers read PREFIX-YEAR-SEQUENCE; the prefix is unique per project.
    """
    year = local_today().year
    counter = db.session.scalar(
        select(CertificateCounter)
        .where(CertificateCounter.project_id == project.id, CertificateCounter.year == year)
        .with_for_update()
    )
    if counter is None:
        # The year's first two payments may race to open the counter: the loser of
        # the insert picks up the winner's row, locked, instead of failing.
        with suppress(IntegrityError), db.session.begin_nested():
            db.session.add(CertificateCounter(project_id=project.id, year=year, last_seq=0))
        counter = db.session.scalar(
            select(CertificateCounter)
            .where(CertificateCounter.project_id == project.id, CertificateCounter.year == year)
            .with_for_update()
        )
        assert counter is not None
    counter.last_seq += 1
    donation.certificate_no = f"{project.certificate_prefix}-{year}-{counter.last_seq:06d}"
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
