"""The privacy-notice rule binds the donate use case itself, whoever calls it."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from core.db import db, utcnow
from donations.donors.models import Donor
from donations.donors.services import require_accepted_notice
from donations.errors import PrivacyNotAccepted
from donations.giving.models import Donation
from donations.giving.services import DonationRequest, donate, start_donation
from donations.payments.config import current_gateway
from donations.wechat.config import current_wechat
from tests.donations.factories import make_project, unique

pytestmark = pytest.mark.usefixtures("ctx")


def _donor(version: str | None) -> Donor:
    donor = Donor(
        openid=unique("openid-"),
        display_name="热心市民",
        privacy_version=version,
        privacy_accepted_at=utcnow() if version else None,
    )
    db.session.add(donor)
    db.session.commit()
    return donor


def _donations_of(donor: Donor) -> int:
    return (
        db.session.scalar(
            select(func.count()).select_from(Donation).where(Donation.donor_id == donor.id)
        )
        or 0
    )


def test_a_donor_who_never_accepted_the_notice_cannot_donate():
    donor = _donor(None)
    request = DonationRequest(project_id=make_project(), amount_fen=1_000, message="加油")

    with pytest.raises(PrivacyNotAccepted) as refused:
        donate(donor, request, unique("key-"), current_gateway(), current_wechat())
    with pytest.raises(PrivacyNotAccepted):
        start_donation(donor, request, unique("key-"), current_gateway())

    assert (refused.value.code, refused.value.status) == ("privacy_not_accepted", 422)
    assert _donations_of(donor) == 0


def test_a_new_notice_must_be_accepted_again(app: Flask, monkeypatch: pytest.MonkeyPatch):
    donor = _donor(app.config["PRIVACY_VERSION"])
    require_accepted_notice(donor)
    monkeypatch.setitem(app.config, "PRIVACY_VERSION", "2099-01")
    request = DonationRequest(project_id=make_project(), amount_fen=1_000)

    with pytest.raises(PrivacyNotAccepted):
        start_donation(donor, request, unique("key-"), current_gateway())

    assert _donations_of(donor) == 0
