"""`make run` and `make run-prod` start the payment sandbox with its endpoint subscribed to
the event types the platform acts on, as a real provider's endpoint is."""

from __future__ import annotations

from pathlib import Path

import pytest

from donations.payments.event_types import subscription
from portal import devserver, prodserver


def test_make_run_prod_subscribes_the_sandbox(tmp_path: Path) -> None:
    payments = prodserver.environments({"INSTANCE_PATH": str(tmp_path)})["payments"]

    assert payments["SANDBOX_WEBHOOK_EVENTS"] == subscription()
    assert "payment_intent.created" not in payments["SANDBOX_WEBHOOK_EVENTS"]


def test_make_run_subscribes_the_sandbox_unless_told_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))

    def sandbox_env() -> dict[str, str]:
        (child,) = [c for c in devserver._children() if c.label == "payment sandbox"]
        return child.env

    assert sandbox_env()["SANDBOX_WEBHOOK_EVENTS"] == subscription()
    monkeypatch.setenv("SANDBOX_WEBHOOK_EVENTS", "*")
    assert sandbox_env()["SANDBOX_WEBHOOK_EVENTS"] == "*"
