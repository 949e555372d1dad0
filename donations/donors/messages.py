"""Subscribe messages to donors: what each says, queued in core's outbox in the
transaction of what it reports, and the WeChat sender that delivers them.

WeChat allows one message per opt-in: a message goes out only if the donor holds
an unused grant for its template, and the grant is spent by the send. Retries and
giving up are the outbox's (core.outbox); a failed send never undoes anything.
"""

from __future__ import annotations

from sqlalchemy import select

from core import outbox
from core.db import db, utcnow
from core.money import format_fen
from core.outbox import OutboxMessage, Sender, SendFailed, Undeliverable
from donations.donors.models import Donor, Subscription
from donations.giving.models import Donation
from donations.wechat.gateway import WeChatError, WeChatGateway

CHANNEL = "wechat_subscribe"
KINDS = ("donation_succeeded", "need_funded", "paid_out", "need_closed")
# The page of the mini-program a message opens.
DONATIONS_PAGE = "pages/donations/index"


def queue_message(donation: Donation, kind: str, **data: str) -> None:
    """Queue one message about a donation (at most one per kind and donation)."""
    if donation.donor_id is None:
        return
    outbox.queue_message(
        CHANNEL,
        donation.donor_id,
        kind,
        f"donation:{donation.id}:{kind}",
        {
            "amount": format_fen(donation.amount_fen),
            "project": donation.project.title,
            "donation_id": donation.id,
            **data,
        },
    )


def cancel_messages(donor: Donor) -> None:
    """A donor who leaves is sent nothing more (caller's transaction)."""
    outbox.cancel_messages(CHANNEL, donor.id)


class SubscribeMessageSender:
    """The `wechat_subscribe` channel: spends one of the donor's grants per message."""

    def __init__(self, wechat: WeChatGateway, templates: dict[str, str]) -> None:
        self.wechat = wechat
        self.templates = templates

    def send(self, message: OutboxMessage) -> None:
        template = self.templates.get(message.kind)
        donor = db.session.get(Donor, message.recipient)
        if template is None or donor is None or not donor.openid:
            raise Undeliverable("no template or no WeChat account")
        grant = db.session.scalar(
            select(Subscription)
            .where(
                Subscription.donor_id == donor.id,
                Subscription.template_id == template,
                Subscription.used_at.is_(None),
            )
            .order_by(Subscription.id)
            .limit(1)
            .with_for_update()
        )
        if grant is None:
            raise Undeliverable("no unused grant for the template")
        try:
            self.wechat.send_subscribe_message(
                donor.openid, template, _template_data(message), DONATIONS_PAGE
            )
        except WeChatError as error:
            raise SendFailed(str(error)) from error
        grant.used_at = utcnow()


def senders(wechat: WeChatGateway, templates: dict[str, str]) -> dict[str, Sender]:
    """The wing's channels, for core.outbox.send_pending."""
    return {CHANNEL: SubscribeMessageSender(wechat, templates)}


def _template_data(message: OutboxMessage) -> dict[str, dict[str, str]]:
    # Subscribe templates take {"key": {"value": ...}}; keys are the template's own.
    return {
        "thing1": {"value": str(message.data.get("project", ""))[:20]},
        "amount2": {"value": str(message.data.get("amount", ""))},
        "phrase3": {
            "value": {
                "donation_succeeded": "捐赠成功",
                "need_funded": "已筹满",
                "paid_out": "已拨付",
                "need_closed": "善款已转入资金池",
            }.get(message.kind, "")
        },
    }
