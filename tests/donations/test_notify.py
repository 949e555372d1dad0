"""Subscribe messages: one per opt-in grant, sent after the fact through the real WeChat
stand-in; a failed send is recorded and retried a few times and never undoes anything."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from core.db import db
from core.outbox import MAX_ATTEMPTS, OutboxMessage, send_pending
from donations.donors.messages import CHANNEL, senders
from donations.donors.models import Donor, Subscription
from donations.giving.booking import receive_payment
from donations.giving.models import Donation, DonationStatus
from donations.wechat.gateway import WeChatConfig, WeChatPyGateway
from sandboxes.wechat.testing import sandbox_process
from tests.donations.factories import make_donation, make_donor, make_project

TEMPLATES = {"donation_succeeded": "tmpl_ok", "need_funded": "tmpl_funded"}


@pytest.fixture(scope="module")
def wechat() -> Iterator[tuple[WeChatPyGateway, str]]:
    with sandbox_process() as base_url:
        gateway = WeChatPyGateway(WeChatConfig("wx_sandbox_app", "sandbox_secret", base_url))
        yield gateway, base_url
        gateway.close()


def paid_gift(donor_id: str) -> str:
    project = make_project()
    ref = make_donation(project, 1_000, donor_id=donor_id)
    donation = db.session.get(Donation, ref.id)
    assert donation is not None and receive_payment(donation, f"pi:{ref.intent_id}:succeeded")
    db.session.commit()
    return ref.id


def grant(donor_id: str, template: str = "tmpl_ok") -> None:
    db.session.add(Subscription(donor_id=donor_id, template_id=template))
    db.session.commit()


def outbox(donation_id: str) -> OutboxMessage:
    message = db.session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.channel == CHANNEL,
            OutboxMessage.dedupe_key == f"donation:{donation_id}:donation_succeeded",
        )
    )
    assert message is not None
    return message


def sent_to(base_url: str, openid: str) -> list[dict[str, object]]:
    answer = httpx.get(f"{base_url}_sandbox/messages", params={"touser": openid}).json()
    return list(answer["data"])


def test_one_grant_sends_one_message(ctx, wechat):
    gateway, base_url = wechat
    donor_id = make_donor()
    openid = db.session.get_one(Donor, donor_id).openid
    assert openid is not None
    grant(donor_id)
    first, second = paid_gift(donor_id), paid_gift(donor_id)

    assert send_pending(senders(gateway, TEMPLATES)) == 1
    assert [outbox(first).status, outbox(second).status] == ["sent", "undeliverable"]
    assert len(sent_to(base_url, openid)) == 1
    assert db.session.scalar(select(Subscription.used_at).where(Subscription.donor_id == donor_id))


def test_a_refused_send_is_retried_then_given_up_and_the_gift_stays_paid(ctx, wechat):
    gateway, base_url = wechat
    donor_id = make_donor()
    donor = db.session.get_one(Donor, donor_id)
    donor.openid = f"blocked-{donor_id}"  # the stand-in refuses these users (43101)
    db.session.commit()
    grant(donor_id)
    gift = paid_gift(donor_id)

    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert send_pending(senders(gateway, TEMPLATES)) == 0
        assert outbox(gift).attempts == attempt
    assert outbox(gift).status == "given_up" and "43101" in outbox(gift).last_error
    assert db.session.get_one(Donation, gift).status == DonationStatus.SUCCEEDED
    # The grant was not spent by a message that never arrived.
    assert (
        db.session.scalar(select(Subscription.used_at).where(Subscription.donor_id == donor_id))
        is None
    )
    assert sent_to(base_url, donor.openid) == []
