"""Subscribe messages to donors: queued in the transaction of what they report, sent after.

WeChat allows one message per opt-in: a message goes out only if the donor holds
an unused grant for its template, and the grant is spent by the send. A failed
send is logged and retried a few times; it never blocks or undoes anything.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from core.db import db, utcnow
from core.money import format_fen
from donations.donors.models import OutboxMessage, Subscription
from donations.giving.models import Donation
from donations.wechat.gateway import WeChatError, WeChatGateway

log = logging.getLogger(__name__)

KINDS = ("donation_succeeded", "need_funded", "paid_out", "need_closed")
MAX_ATTEMPTS = 3


def queue_message(donation: Donation, kind: str, **data: str) -> None:
    """Queue one message about a donation (at most one per kind and donation)."""
    if donation.donor_id is None:
        return
    exists = db.session.scalar(
        select(OutboxMessage.id).where(
            OutboxMessage.kind == kind, OutboxMessage.donation_id == donation.id
        )
    )
    if exists is not None:
        return
    payload = {"amount": format_fen(donation.amount_fen), "project": donation.project.title, **data}
    db.session.add(
        OutboxMessage(donor_id=donation.donor_id, donation_id=donation.id, kind=kind, data=payload)
    )


def send_pending(wechat: WeChatGateway, templates: dict[str, str], limit: int = 100) -> int:
    """Send queued messages; returns how many went out. One transaction per message."""
    sent = 0
    ids = list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.status == "pending")
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )
    db.session.rollback()
    for message_id in ids:
        message = db.session.get(OutboxMessage, message_id, with_for_update=True)
        if message is None or message.status != "pending":
            db.session.rollback()
            continue
        template = templates.get(message.kind)
        donor = message.donation.donor if message.donation else None
        grant = None
        if template and donor is not None and donor.openid:
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
        if grant is None or donor is None or not donor.openid or template is None:
            message.status = "no_grant"
            db.session.commit()
            continue
        try:
            wechat.send_subscribe_message(
                donor.openid, template, _template_data(message), "pages/donations/index"
            )
        except WeChatError as error:
            message.attempts += 1
            message.last_error = str(error)[:500]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = "failed"
            log.warning("subscribe message %s failed: %s", message.id, error)
            db.session.commit()
            continue
        grant.used_at = utcnow()
        message.status = "sent"
        message.sent_at = utcnow()
        db.session.commit()
        sent += 1
    return sent


def _template_data(message: OutboxMessage) -> dict[str, dict[str, str]]:
    # Subscribe templates take {"key": {"value": ...}}; keys are the template's own.
    return {
        "thing1": {"value": message.data.get("project", "")[:20]},
        "amount2": {"value": message.data.get("amount", "")},
        "phrase3": {
            "value": {
                "donation_succeeded": "捐赠成功",
                "need_funded": "已筹满",
                "paid_out": "已拨付",
                "need_closed": "善款已转入资金池",
            }.get(message.kind, "")
        },
    }
