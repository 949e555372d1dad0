"""The notification outbox: messages queued in the transaction of the fact they report,
sent afterwards through the channel's sender.

Queueing in the same transaction means a message exists exactly when its fact
committed; sending afterwards means a slow or failing channel (WeChat, email, SMS)
never blocks or undoes the fact. Each channel's sender belongs to the wing that knows
the channel's rules (WeChat's one-message-per-grant, a template's wording); the outbox
only keeps the queue, the retries and the record of what happened.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import JSON, Index, Integer, String, Text, UniqueConstraint, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, db, utcnow

log = logging.getLogger(__name__)

# A message whose sends failed this many times is given up.
MAX_ATTEMPTS = 3


class MessageStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its first or next attempt
    SENT = "sent"
    GIVEN_UP = "given_up"  # MAX_ATTEMPTS sends failed
    UNDELIVERABLE = "undeliverable"  # the channel has no way to reach the recipient
    CANCELLED = "cancelled"  # the recipient left before it was sent


class OutboxMessage(Base):
    """One message to one recipient over one channel."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        # Per channel: the same fact may be told once by WeChat and once by SMS.
        UniqueConstraint("channel", "dedupe_key", name="uq_outbox_message_channel_key"),
        Index("ix_outbox_message_channel_recipient", "channel", "recipient"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    # What the channel's sender resolves to an address (a donor id for WeChat).
    recipient: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    dedupe_key: Mapped[str] = mapped_column(String(160))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default=MessageStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class SendFailed(Exception):
    """The channel refused or did not answer; the message is tried again later."""


class Undeliverable(Exception):
    """The channel cannot reach this recipient (no address, no permission): no retry."""


class Sender(Protocol):
    """Delivers the messages of one channel."""

    def send(self, message: OutboxMessage) -> None:
        """Deliver `message`, inside the transaction that marks it sent.

        Raise SendFailed to have it retried, Undeliverable to stop trying. What the
        sender changed in the database is rolled back when it raises.
        """


def queue_message(
    channel: str,
    recipient: str,
    kind: str,
    dedupe_key: str,
    data: Mapping[str, Any] | None = None,
) -> bool:
    """Queue a message in the caller's transaction (no commit); False if this channel
    already has a message under `dedupe_key`, in which case nothing is added.

    One statement: two transactions that queue the same fact at once meet at the
    unique key, and the later one's insert does nothing instead of failing (or undoing
    the caller's fact). It runs on every booked payment, so it stays one round trip.
    """
    insert = sqlite_insert if db.session.get_bind().dialect.name == "sqlite" else pg_insert
    statement = (
        insert(OutboxMessage)
        .values(
            channel=channel,
            recipient=recipient,
            kind=kind,
            dedupe_key=dedupe_key,
            data=dict(data or {}),
            status=MessageStatus.PENDING,
            attempts=0,
            last_error="",
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=[OutboxMessage.channel, OutboxMessage.dedupe_key])
        .returning(OutboxMessage.id)
    )
    return db.session.execute(statement).scalar_one_or_none() is not None


def cancel_messages(channel: str, recipient: str) -> int:
    """Cancel the recipient's pending messages on a channel (caller's transaction)."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.channel == channel,
            OutboxMessage.recipient == recipient,
            OutboxMessage.status == MessageStatus.PENDING,
        )
        .values(status=MessageStatus.CANCELLED)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def send_pending(senders: Mapping[str, Sender], limit: int = 100) -> int:
    """Send pending messages of the given channels, oldest first; returns how many went out.

    Each message is its own short transaction with its row locked, so two workers
    never send it twice. A failed send counts an attempt; the MAX_ATTEMPTS-th failure
    gives the message up. Channels without a sender here are left pending.
    """
    if not senders:
        return 0
    ids = list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.status == MessageStatus.PENDING,
                OutboxMessage.channel.in_(list(senders)),
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )
    db.session.rollback()
    return sum(_send_one(message_id, senders) for message_id in ids)


def _locked_pending(message_id: int) -> OutboxMessage | None:
    message = db.session.get(
        OutboxMessage, message_id, with_for_update=True, populate_existing=True
    )
    if message is None or message.status != MessageStatus.PENDING:
        db.session.rollback()
        return None
    return message


def _send_one(message_id: int, senders: Mapping[str, Sender]) -> bool:
    message = _locked_pending(message_id)
    if message is None:
        return False
    try:
        senders[message.channel].send(message)
    except Undeliverable as reason:
        _record_outcome(message_id, str(reason), undeliverable=True)
        return False
    except SendFailed as error:
        log.warning("outbox message %s failed: %s", message_id, error)
        _record_outcome(message_id, str(error), undeliverable=False)
        return False
    # A sender's bug counts as a failed attempt too: one broken message must not
    # stall every message queued after it.
    except Exception as error:
        log.exception("outbox message %s: sender raised", message_id)
        _record_outcome(message_id, repr(error), undeliverable=False)
        return False
    message.status = MessageStatus.SENT
    message.sent_at = utcnow()
    db.session.commit()
    return True


def _record_outcome(message_id: int, error: str, *, undeliverable: bool) -> None:
    # The sender's own changes (a grant it was about to spend) go with the rollback.
    db.session.rollback()
    message = _locked_pending(message_id)
    if message is None:
        return
    message.last_error = error[:500]
    if undeliverable:
        message.status = MessageStatus.UNDELIVERABLE
    else:
        message.attempts += 1
        if message.attempts >= MAX_ATTEMPTS:
            message.status = MessageStatus.GIVEN_UP
    db.session.commit()
