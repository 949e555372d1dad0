"""SANDBOX_WEBHOOK_EVENTS: the pre-registered endpoint is sent only the event types it is
subscribed to, as a Stripe endpoint with `enabled_events`; the platform subscribes to the
types it acts on."""

from __future__ import annotations

from pathlib import Path

import pytest

from donations.payments.event_types import APPLIED_TYPES, subscription
from sandboxes.payments.config import ConfigError, SandboxConfig
from sandboxes.payments.events import EVENT_TYPES, RequestContext, record_event
from sandboxes.payments.runtime import open_sandbox


def _delivered_types(tmp_path: Path, events: str | None) -> list[str]:
    settings = {
        "SANDBOX_DB": str(tmp_path / "pay.sqlite3"),
        "SANDBOX_WEBHOOK_URL": "http://127.0.0.1:9/hook",
        "SANDBOX_WEBHOOK_SECRET": "whsec_test",
        "SANDBOX_START_DISPATCHER": "0",
    }
    if events is not None:
        settings["SANDBOX_WEBHOOK_EVENTS"] = events
    sandbox = open_sandbox(SandboxConfig.from_mapping(settings))
    context = RequestContext(None, None, sandbox.config.api_version)
    with sandbox.store.write() as conn:
        (before,) = conn.execute("SELECT coalesce(max(rowid), 0) FROM deliveries").fetchone()
        for n, event_type in enumerate(EVENT_TYPES):
            record_event(conn, event_type, {"id": f"pi_{n}", "object": "payment_intent"}, context)
        rows = conn.execute(
            "SELECT e.type FROM deliveries d JOIN events e ON e.id = d.event_id"
            " WHERE d.rowid > ? ORDER BY e.type",
            (before,),
        ).fetchall()
    return [row[0] for row in rows]


def test_by_default_every_event_is_sent(tmp_path: Path) -> None:
    assert _delivered_types(tmp_path, None) == sorted(EVENT_TYPES)


def test_a_subscribed_endpoint_is_sent_only_its_types(tmp_path: Path) -> None:
    assert _delivered_types(tmp_path, subscription()) == sorted(APPLIED_TYPES)
    assert "payment_intent.created" not in APPLIED_TYPES


def test_a_restart_with_another_subscription_changes_what_is_sent(tmp_path: Path) -> None:
    assert _delivered_types(tmp_path, "refund.updated") == ["refund.updated"]
    # The same database, started again with another setting.
    assert _delivered_types(tmp_path, "payment_intent.succeeded , refund.updated") == [
        "payment_intent.succeeded",
        "refund.updated",
    ]


def test_the_platform_subscribes_only_to_types_the_provider_sends() -> None:
    assert APPLIED_TYPES <= set(EVENT_TYPES)


@pytest.mark.parametrize("raw", ["payment_intent.paid", ",", "*,charge.nothing"])
def test_unknown_event_types_are_refused_at_start(raw: str) -> None:
    with pytest.raises(ConfigError, match="SANDBOX_WEBHOOK_EVENTS"):
        SandboxConfig.from_mapping({"SANDBOX_WEBHOOK_EVENTS": raw})
