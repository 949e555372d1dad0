"""Staff queues fed by donors: messages held for review, official receipts asked for."""

from __future__ import annotations

import pytest

from core.db import db
from core.errors import Conflict
from core.users import Role
from donations.donors import moderation, receipts
from donations.giving.models import Donation, DonationStatus, MessageStatus
from tests.donations.factories import make_donation, make_donor, make_project
from tests.factories import fresh as reload
from tests.factories import make_user

pytestmark = pytest.mark.usefixtures("ctx")


def _donation(status: DonationStatus, message_status: MessageStatus | None = None) -> str:
    ref = make_donation(make_project(), 10_000, donor_id=make_donor())
    donation = db.session.get(Donation, ref.id)
    assert donation is not None
    donation.status = status
    if message_status is not None:
        donation.message = "祝早日康复"
        donation.message_status = message_status
    db.session.commit()
    return ref.id


def test_a_held_message_is_shown_once_and_leaves_the_queue():
    coordinator = make_user(Role.COORDINATOR)
    waiting = moderation.pending_count(coordinator)
    donation_id = _donation(DonationStatus.SUCCEEDED, MessageStatus.REVIEW)
    assert moderation.pending_count(coordinator) == waiting + 1

    moderation.moderate_message(coordinator, donation_id, approve=True)

    assert reload(Donation, donation_id).message_status == "visible"
    assert moderation.pending_count(coordinator) == waiting
    assert donation_id not in {d.id for d in moderation.review_queue()}
    with pytest.raises(Conflict):
        moderation.moderate_message(coordinator, donation_id, approve=False)


def test_a_hidden_message_stays_hidden():
    coordinator = make_user(Role.COORDINATOR)
    donation_id = _donation(DonationStatus.SUCCEEDED, MessageStatus.REVIEW)

    moderation.moderate_message(coordinator, donation_id, approve=False)

    assert reload(Donation, donation_id).message_status == "hidden"


def test_an_official_receipt_is_issued_once():
    finance = make_user(Role.FINANCE)
    waiting = receipts.pending_count(finance)
    donation = db.session.get(Donation, _donation(DonationStatus.SUCCEEDED))
    assert donation is not None

    receipt, created = receipts.request_receipt(donation, "开平市某公司", None)
    again, created_again = receipts.request_receipt(donation, "开平市某公司", None)

    assert (created, created_again, again.id) == (True, False, receipt.id)
    assert receipt.status == "requested"
    assert receipts.pending_count(finance) == waiting + 1
    receipts.mark_issued(finance, receipt.id, " R-2024-001 ")
    assert (receipt.status, receipt.receipt_no) == ("issued", "R-2024-001")
    assert receipts.pending_count(finance) == waiting
    assert receipt.id not in {r.id for r in receipts.pending_receipts()}
    with pytest.raises(Conflict):
        receipts.mark_issued(finance, receipt.id, "R-2024-002")
