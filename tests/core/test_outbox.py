"""The outbox: a message is queued once with its fact, sent after it through its channel's
sender, retried a few times, and what happened is recorded."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select

from core import audit
from core.audit import Actor, AuditEvent
from core.audit_actions import AuditAction
from core.db import db
from core.outbox import (
    MAX_ATTEMPTS,
    MessageStatus,
    OutboxMessage,
    SendFailed,
    Undeliverable,
    cancel_messages,
    queue_message,
    send_pending,
)

pytestmark = pytest.mark.usefixtures("ctx")


@dataclass
class Channel:
    """A channel's far end: what it was handed, and how it answers."""

    answer: Exception | None = None
    delivered: list[tuple[str, str]] = field(default_factory=list)

    def send(self, message: OutboxMessage) -> None:
        if self.answer is not None:
            raise self.answer
        self.delivered.append((message.recipient, message.kind))


def message(dedupe_key: str, channel: str = "sms") -> OutboxMessage:
    found = db.session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.channel == channel, OutboxMessage.dedupe_key == dedupe_key
        )
    )
    assert found is not None
    return found


def queued(key: str, channel: str = "sms", recipient: str = "v-1") -> None:
    assert queue_message(channel, recipient, "reset", key, {"code": "123456"})
    db.session.commit()


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage)) or 0


def test_the_same_fact_is_queued_once_per_channel():
    before = count()
    assert queue_message("sms", "v-1", "reset", "reset:1", {"code": "1"})
    assert not queue_message("sms", "v-1", "reset", "reset:1", {"code": "2"})
    assert queue_message("email", "v-1", "reset", "reset:1", {"code": "1"})
    db.session.commit()

    assert count() == before + 2
    assert message("reset:1").data == {"code": "1"}


def test_a_message_is_queued_in_the_callers_transaction_and_rolls_back_with_it():
    before = count()
    queue_message("sms", "v-1", "reset", "reset:rolled-back")
    db.session.rollback()

    assert count() == before


def test_a_pending_message_is_sent_once_and_marked_sent():
    queued("reset:2")
    sms = Channel()

    assert send_pending({"sms": sms}) == 1
    assert send_pending({"sms": sms}) == 0

    assert sms.delivered == [("v-1", "reset")]
    sent = message("reset:2")
    assert sent.status == MessageStatus.SENT and sent.sent_at is not None


def test_a_failing_send_is_retried_then_given_up():
    queued("reset:3")
    sms = Channel(answer=SendFailed("gateway timeout"))

    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert send_pending({"sms": sms}) == 0
        assert message("reset:3").attempts == attempt
    given_up = message("reset:3")
    assert given_up.status == MessageStatus.GIVEN_UP
    assert given_up.last_error == "gateway timeout"

    sms.answer = None
    assert send_pending({"sms": sms}) == 0
    assert sms.delivered == []


def test_an_undeliverable_message_is_not_retried():
    queued("reset:4")
    sms = Channel(answer=Undeliverable("no phone number"))

    assert send_pending({"sms": sms}) == 0
    sms.answer = None
    assert send_pending({"sms": sms}) == 0

    stopped = message("reset:4")
    assert stopped.status == MessageStatus.UNDELIVERABLE and stopped.attempts == 0
    assert stopped.last_error == "no phone number"
    assert sms.delivered == []


def test_what_a_failing_sender_wrote_is_rolled_back():
    queued("reset:5")

    class Half:
        def send(self, message: OutboxMessage) -> None:
            audit.record(Actor.system(), AuditAction.TASK_CLOSE, "outbox_message", message.id)
            raise SendFailed("dropped")

    send_pending({"sms": Half()})

    assert message("reset:5").attempts == 1
    assert not db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "outbox.half_sent")
    ).all()


def test_a_broken_message_does_not_stall_the_ones_after_it():
    queued("reset:6", recipient="broken")
    queued("reset:7", recipient="v-2")

    class Picky:
        def __init__(self) -> None:
            self.delivered: list[str] = []

        def send(self, message: OutboxMessage) -> None:
            if message.recipient == "broken":
                raise KeyError("a bug in the sender")
            self.delivered.append(message.recipient)

    picky = Picky()
    assert send_pending({"sms": picky}) == 1

    assert picky.delivered == ["v-2"]
    assert message("reset:6").attempts == 1
    assert "KeyError" in message("reset:6").last_error


def test_a_channel_without_a_sender_stays_pending():
    queued("reset:8", channel="email")

    assert send_pending({"sms": Channel()}) == 0

    assert message("reset:8", channel="email").status == MessageStatus.PENDING


def test_cancelling_a_recipient_stops_only_their_pending_messages():
    queued("reset:9", recipient="leaving")
    queued("reset:10", recipient="leaving")
    queued("reset:11", recipient="staying")
    send_pending({"sms": Channel()}, limit=1)  # reset:9 goes out before they leave

    assert cancel_messages("sms", "leaving") == 1
    db.session.commit()

    statuses = [message(f"reset:{n}").status for n in (9, 10, 11)]
    assert statuses == [MessageStatus.SENT, MessageStatus.CANCELLED, MessageStatus.PENDING]
