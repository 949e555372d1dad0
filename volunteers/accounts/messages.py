"""Messages to volunteers: the outbox's sender for their email and SMS channels.

The outbox (core.outbox) keeps each message in the transaction of its fact; this
sender turns a message into words and hands them to a `Delivery`, the one swappable
part: development writes each message to a file under the instance folder, a
deployment plugs in its mail or SMS provider (docs/volunteers.md). Each package of
the wing registers the words of its own kinds of message (`register_text`).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

from flask import Flask, current_app

from core import outbox
from core.crypto import keyring
from core.db import db, utcnow
from core.outbox import OutboxMessage, SendFailed, Undeliverable
from volunteers.accounts.models import Volunteer
from volunteers.accounts.reset import EMAIL_CHANNEL, RESET_KIND, SEAL_CONTEXT, SMS_CHANNEL

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Text:
    subject: str
    body: str


class Delivery(Protocol):
    """Sends one message to one address; raises SendFailed to have it retried."""

    def deliver(self, channel: str, address: str, text: Text) -> None: ...


class FileDelivery:
    """Development: each message is a file in `folder` (like a mail catcher)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def deliver(self, channel: str, address: str, text: Text) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
        path = self.folder / f"{stamp}-{channel}.txt"
        path.write_text(
            f"To: {address}\nSubject: {text.subject}\n\n{text.body}\n", encoding="utf-8"
        )


class MemoryDelivery:
    """Tests: what was delivered, in order."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, Text]] = []

    def deliver(self, channel: str, address: str, text: Text) -> None:
        self.sent.append((channel, address, text))


class SmtpDelivery:
    """Email through an SMTP relay (VOLUNTEER_SMTP_HOST); SMS needs a provider's own."""

    def __init__(self, host: str, port: int, sender: str) -> None:
        self.host, self.port, self.sender = host, port, sender

    def deliver(self, channel: str, address: str, text: Text) -> None:
        if channel != EMAIL_CHANNEL:
            raise Undeliverable("no SMS provider configured")
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.sender, address, text.subject
        mail.set_content(text.body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=10) as smtp:
                smtp.send_message(mail)
        except (OSError, smtplib.SMTPException) as error:
            raise SendFailed(str(error)) from error


# The words of one kind of message: (message data, volunteer, base URL) -> Text.
TextMaker = Callable[[Mapping[str, Any], Volunteer, str], Text]


def texts(app: Flask) -> dict[str, TextMaker]:
    found: dict[str, TextMaker] = app.extensions.setdefault("volunteer_texts", {})
    return found


def register_text(app: Flask, kind: str, maker: TextMaker) -> None:
    texts(app)[kind] = maker


def _reset_text(data: Mapping[str, Any], volunteer: Volunteer, base_url: str) -> Text:
    token = keyring().decrypt(str(data["sealed_token"]), SEAL_CONTEXT)
    return Text(
        "开平社区矫正志愿服务：重设密码",
        f"{volunteer.display_name}，您好：\n请在一小时内打开以下链接重设密码（只能使用一次）：\n"
        f"{base_url}/v/reset/{token}\n如非本人操作，请忽略本消息。",
    )


def make_delivery(app: Flask) -> Delivery:
    host = str(app.config.get("VOLUNTEER_SMTP_HOST") or "")
    if host:
        return SmtpDelivery(
            host, int(app.config["VOLUNTEER_SMTP_PORT"]), str(app.config["VOLUNTEER_MAIL_FROM"])
        )
    return FileDelivery(Path(app.instance_path) / "volunteer-messages")


def base_url(app: Flask) -> str:
    configured = str(app.config.get("VOLUNTEER_BASE_URL") or "")
    return configured.rstrip("/") or f"http://127.0.0.1:{app.config.get('PORTAL_PORT', 5000)}"


class VolunteerSender:
    """The outbox's sender for the volunteer channels (core.outbox.Sender)."""

    def __init__(self, app: Flask, delivery: Delivery) -> None:
        self.app, self.delivery = app, delivery

    def send(self, message: OutboxMessage) -> None:
        volunteer = db.session.get(Volunteer, int(message.recipient))
        if volunteer is None or not volunteer.active:
            raise Undeliverable("the volunteer's account is closed")
        address = volunteer.email if message.channel == EMAIL_CHANNEL else volunteer.phone
        if not address:
            raise Undeliverable("no address on this channel")
        maker = texts(self.app).get(message.kind)
        if maker is None:
            raise Undeliverable(f"no words for messages of kind {message.kind!r}")
        self.delivery.deliver(
            message.channel, address, maker(message.data, volunteer, base_url(self.app))
        )
        if "sealed_token" in message.data:
            # Delivered: the outbox keeps no live link, even sealed.
            message.data = {
                key: value for key, value in message.data.items() if key != "sealed_token"
            }


def send_volunteer_messages() -> int:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    delivery: Delivery = app.extensions["volunteer_delivery"]
    sender = VolunteerSender(app, delivery)
    return outbox.send_pending({EMAIL_CHANNEL: sender, SMS_CHANNEL: sender})


def init_messages(app: Flask) -> None:
    app.extensions["volunteer_delivery"] = make_delivery(app)
    register_text(app, RESET_KIND, _reset_text)


def queue_for_volunteer(
    volunteer: Volunteer, kind: str, dedupe_key: str, data: Mapping[str, Any] | None = None
) -> bool:
    """Queue a message to the volunteer in the caller's transaction, by email if they
    gave one, else by text message; False if queued before (or no address at all)."""
    channel = EMAIL_CHANNEL if volunteer.email else SMS_CHANNEL if volunteer.phone else None
    if channel is None:
        return False
    return outbox.queue_message(channel, str(volunteer.id), kind, dedupe_key, data)
