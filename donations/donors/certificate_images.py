"""Certificate images drawn in the background, kept a while for the donor to fetch.

Drawing a certificate takes tens of milliseconds of CPU, and donors ask for it right
after paying: on a charity day that work would land on the web processes at the worst
moment. So booking a payment queues the drawing on the outbox (channel
`certificate_image`), the `certificates` job draws it in the worker (Celery in
production), and `GET /me/donations/{id}/certificate?format=png` serves the file.
A certificate asked for before its drawing ran is drawn on the spot and kept.

A file is named by the donation and a fingerprint of everything the certificate says,
so a refund or a new display name draws a new one and an old file is never shown.
Files live outside the web root (`CERTIFICATE_IMAGE_DIR`, default
`instance/certificates`) and are removed after `CERTIFICATE_IMAGE_DAYS`; a donor who
leaves takes their donations' images along at once (they bear the display name).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from core import outbox
from core.db import db
from core.outbox import OutboxMessage, Undeliverable
from donations.donors.certificates import Certificate, certificate_for
from donations.giving.models import Donation

CHANNEL = "certificate_image"
KIND = "render"


def image_dir() -> Path:
    configured = str(current_app.config["CERTIFICATE_IMAGE_DIR"])
    return Path(configured) if configured else Path(current_app.instance_path) / "certificates"


def _path(donation_id: str, cert: Certificate) -> Path:
    said = json.dumps(cert.as_json(), sort_keys=True, ensure_ascii=False).encode()
    return image_dir() / f"{donation_id}-{hashlib.sha256(said).hexdigest()[:20]}.png"


def png_for(donation: Donation, cert: Certificate) -> bytes:
    """The certificate's image: the kept file, or drawn now and kept.

    Raises core.drawing.FontMissing when no CJK font is installed."""
    path = _path(donation.id, cert)
    # Not drawn yet, or removed after CERTIFICATE_IMAGE_DAYS: drawn below.
    with suppress(FileNotFoundError):
        return path.read_bytes()
    from donations.donors.certificate_png import render_png  # Pillow, only when drawing

    png = render_png(cert)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and renamed: a reader sees the whole image or none.
    partial = path.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(png)
    partial.replace(path)
    return png


def queue_drawing(donation: Donation) -> None:
    """Draw the donation's certificate in the background (caller's transaction)."""
    outbox.queue_message(CHANNEL, donation.id, KIND, f"certificate:{donation.id}")


class CertificateDrawer:
    """The `certificate_image` channel's sender: draws the image and keeps it."""

    def send(self, message: OutboxMessage) -> None:
        donation = db.session.get(Donation, message.recipient)
        cert = None if donation is None else certificate_for(donation)
        if donation is None or cert is None:
            raise Undeliverable("no certificate (refunded in full, or no such donation)")
        png_for(donation, cert)


def draw_pending() -> int:
    """The `certificates` job: draw what was queued; how many were drawn."""
    return outbox.send_pending({CHANNEL: CertificateDrawer()})


def forget(donation_ids: Iterable[str]) -> int:
    """Remove every kept image of these donations and any drawing still queued for them
    (a donor who leaves); how many files went."""
    ids = list(donation_ids)
    for message in db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.channel == CHANNEL,
            OutboxMessage.recipient.in_(ids),
            OutboxMessage.status == outbox.MessageStatus.PENDING,
        )
    ):
        message.status = outbox.MessageStatus.CANCELLED
    removed = 0
    folder = image_dir()
    for donation_id in ids:
        for path in folder.glob(f"{donation_id}-*.png"):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def prune() -> int:
    """The `certificate-images` job: remove images kept longer than
    CERTIFICATE_IMAGE_DAYS (a donor asking later has it drawn again)."""
    cutoff = time.time() - float(current_app.config["CERTIFICATE_IMAGE_DAYS"]) * 86400
    removed = 0
    folder = image_dir()
    if not folder.is_dir():
        return 0
    for path in folder.iterdir():  # images, and any half-written one a crash left
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue  # removed by another worker meanwhile
    return removed
