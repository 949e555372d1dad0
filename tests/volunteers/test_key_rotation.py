"""`flask rotate-key` re-encrypts every table with encrypted columns, the volunteers'
email and phone too: once it has run, the old key can be dropped and volunteers still
sign in by email or mobile."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import text

from core.audit_actions import AuditAction
from core.crypto import Keyring, install_keyring, keyring
from core.db import db
from tests.conftest import TEST_KEYS
from tests.factories import audit_events
from tests.volunteers.factories import make_volunteer
from volunteers.accounts.identity import volunteer_by_login
from volunteers.accounts.models import Volunteer


@pytest.fixture()
def new_key() -> Iterator[str]:
    """A new current key beside the test key; the test key alone again afterwards."""
    old_ring = keyring()
    spec = Keyring.new_key_spec("rot3")
    yield spec
    install_keyring(old_ring)


def test_rotate_key_reencrypts_volunteers_and_the_old_key_can_go(ctx: Flask, new_key: str):
    volunteer_id = make_volunteer(email="lan.yu@example.org", phone="19900007777").id
    install_keyring(Keyring.from_spec(f"{new_key},{TEST_KEYS['FIELD_KEYS']}"))

    result = ctx.test_cli_runner().invoke(args=["rotate-key", "--batch-size", "2"])

    assert result.exit_code == 0, result.output
    assert "volunteer rows re-encrypted; 0 left on old keys" in result.output
    assert "person rows re-encrypted; 0 left on old keys" in result.output
    raw = db.session.execute(
        text("SELECT email, phone FROM volunteer WHERE id = :id"), {"id": volunteer_id}
    ).one()
    assert raw.email.startswith("rot3:") and raw.phone.startswith("rot3:")
    assert any(e.object_type == "volunteer" for e in audit_events(AuditAction.CRYPTO_ROTATE_BATCH))
    # The old key dropped: the fields read, and sign-in by email or mobile finds them.
    install_keyring(Keyring.from_spec(new_key))
    db.session.expire_all()
    assert db.session.get_one(Volunteer, volunteer_id).email == "lan.yu@example.org"
    by_email, by_phone = (
        volunteer_by_login("Lan.Yu@Example.org"),
        volunteer_by_login("199 0000 7777"),
    )
    assert by_email is not None and by_email.id == volunteer_id
    assert by_phone is not None and by_phone.id == volunteer_id
