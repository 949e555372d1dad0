"""Certificate images: drawn by the `certificates` job once the payment is booked, served
from the kept file, drawn anew when what the certificate says changes, and gone with a
donor who leaves."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from core.db import db
from core.outbox import MessageStatus, OutboxMessage
from donations.donors import certificate_images
from tests.api.conftest import UNIT_WEBHOOK_SECRET
from tests.api.support import MpApi, pay
from tests.donations.factories import make_project

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture()
def images(app: Flask, tmp_path: Path) -> Iterator[Path]:
    saved = app.config["CERTIFICATE_IMAGE_DIR"]
    app.config["CERTIFICATE_IMAGE_DIR"] = str(tmp_path / "certificates")
    yield tmp_path / "certificates"
    app.config["CERTIFICATE_IMAGE_DIR"] = saved


def _paid(api: MpApi, client: FlaskClient, token: str) -> str:
    created = api.donate(token, {"project_id": make_project(), "amount_fen": 8_800})
    pay(client, created.expect(201), UNIT_WEBHOOK_SECRET)
    donation_id: str = created.json["donation"]["id"]
    return donation_id


def _drawings(donation_id: str) -> list[Any]:
    return list(
        db.session.scalars(
            select(OutboxMessage.status).where(
                OutboxMessage.channel == certificate_images.CHANNEL,
                OutboxMessage.recipient == donation_id,
            )
        )
    )


def _png(api: MpApi, token: str, donation_id: str) -> bytes:
    reply = api.get(f"/me/donations/{donation_id}/certificate?format=png", token=token)
    assert reply.status == 200
    return reply.content


def test_a_booked_payment_is_drawn_by_the_job_and_served_from_the_file(
    api: MpApi, client: FlaskClient, images: Path
) -> None:
    token = api.login()
    donation_id = _paid(api, client, token)
    assert _drawings(donation_id) == [MessageStatus.PENDING]
    assert not images.exists()

    assert certificate_images.draw_pending() == 1

    (kept,) = images.glob(f"{donation_id}-*.png")
    assert kept.read_bytes().startswith(PNG)
    assert _drawings(donation_id) == [MessageStatus.SENT]
    # What the donor fetches is the kept file: replace it and the answer follows.
    kept.write_bytes(PNG + b"kept")
    assert _png(api, token, donation_id) == PNG + b"kept"


def test_asked_before_the_job_ran_it_is_drawn_then_and_kept(
    api: MpApi, client: FlaskClient, images: Path
) -> None:
    token = api.login()
    donation_id = _paid(api, client, token)

    first = _png(api, token, donation_id)

    assert first.startswith(PNG)
    (kept,) = images.glob(f"{donation_id}-*.png")
    assert kept.read_bytes() == first
    certificate_images.draw_pending()  # the queued drawing finds it kept
    assert list(images.glob(f"{donation_id}-*.png")) == [kept]


def test_a_changed_certificate_is_drawn_anew_never_the_old_image(
    api: MpApi, client: FlaskClient, images: Path
) -> None:
    token = api.login()
    api.patch("/me", {"display_name": "开平街坊"}, token=token).expect(200)
    donation_id = _paid(api, client, token)
    certificate_images.draw_pending()
    (old,) = images.glob(f"{donation_id}-*.png")

    api.patch("/me", {"display_name": "赤坎老街坊"}, token=token).expect(200)
    renamed = _png(api, token, donation_id)

    assert renamed != old.read_bytes()
    assert len(list(images.glob(f"{donation_id}-*.png"))) == 2


def test_a_donor_who_leaves_takes_the_images_and_queued_drawings_along(
    api: MpApi, client: FlaskClient, images: Path
) -> None:
    token = api.login()
    api.patch("/me", {"display_name": "开平街坊"}, token=token).expect(200)
    drawn = _paid(api, client, token)
    certificate_images.draw_pending()
    queued = _paid(api, client, token)
    assert list(images.glob(f"{drawn}-*.png"))

    api.delete("/me", token=token).expect(204)

    assert list(images.glob("*.png")) == []
    assert _drawings(queued) == [MessageStatus.CANCELLED]
    assert certificate_images.draw_pending() == 0
    assert list(images.glob("*.png")) == []


def test_old_images_are_removed_and_recent_ones_kept(
    api: MpApi, client: FlaskClient, images: Path, app: Flask
) -> None:
    token = api.login()
    old, recent = _paid(api, client, token), _paid(api, client, token)
    certificate_images.draw_pending()
    (old_file,) = images.glob(f"{old}-*.png")
    days = float(app.config["CERTIFICATE_IMAGE_DAYS"])
    aged = time.time() - (days + 1) * 86400
    os.utime(old_file, (aged, aged))
    (images / "crashed.123.part").write_bytes(b"half")
    os.utime(images / "crashed.123.part", (aged, aged))

    assert certificate_images.prune() == 2

    assert not old_file.exists()
    assert list(images.glob(f"{recent}-*.png"))
    # Asked for again, the removed image is drawn anew.
    assert _png(api, token, old).startswith(PNG)
