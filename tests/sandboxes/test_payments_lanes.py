"""Webhook lanes: deliveries of different payments go out side by side, one payment's in order."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from sandboxes.payments.config import ConfigError, SandboxConfig
from sandboxes.payments.endpoints import ensure_preregistered_endpoint
from sandboxes.payments.events import RequestContext, record_event
from sandboxes.payments.faults import Faults
from sandboxes.payments.store import Store
from sandboxes.payments.webhooks import Dispatcher, _Delivery

STEPS = ("payment_intent.created", "payment_intent.succeeded", "charge.refunded")


class SlowEndpoint:
    """Stands in for `Dispatcher._post`: takes a while, and notes what arrived when."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.lock = threading.Lock()
        self.arrived: list[tuple[str, str]] = []
        self.now = 0
        self.most = 0

    def post(self, delivery: _Delivery, payload: str) -> tuple[int | None, str | None]:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        time.sleep(0.03)
        with self.store.read() as conn:
            kind = conn.execute(
                "SELECT type FROM events WHERE id = ?", (delivery.event_id,)
            ).fetchone()["type"]
        with self.lock:
            self.now -= 1
            self.arrived.append((delivery.payment, kind))
        return 200, None


def run_dispatcher(tmp_path: Path, lanes: int, payments: int) -> SlowEndpoint:
    config = SandboxConfig(db_path=str(tmp_path / "pay.sqlite3"), webhook_lanes=lanes)
    store = Store(config.db_path)
    store.migrate()
    context = RequestContext(None, None, config.api_version)
    with store.write() as conn:
        ensure_preregistered_endpoint(conn, "http://127.0.0.1:9/hook", "whsec_test")
        for step in STEPS:
            for n in range(payments):
                # A charge event names its payment intent: it must share the intent's lane.
                obj = (
                    {"id": f"ch_{n}", "object": "charge", "payment_intent": f"pi_{n}"}
                    if step.startswith("charge")
                    else {"id": f"pi_{n}", "object": "payment_intent"}
                )
                record_event(conn, step, obj, context)
    dispatcher = Dispatcher(store, Faults(), config)
    endpoint = SlowEndpoint(store)
    dispatcher._post = endpoint.post  # type: ignore[method-assign]
    dispatcher.start()
    try:
        deadline = time.monotonic() + 30
        while len(endpoint.arrived) < payments * len(STEPS) and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        dispatcher.stop()
    assert len(endpoint.arrived) == payments * len(STEPS)
    return endpoint


def test_lanes_deliver_side_by_side_and_each_payment_in_order(tmp_path: Path) -> None:
    endpoint = run_dispatcher(tmp_path, lanes=4, payments=12)

    assert endpoint.most > 1
    for n in range(12):
        seen = [kind for payment, kind in endpoint.arrived if payment == f"pi_{n}"]
        assert seen == list(STEPS)


def test_one_lane_delivers_one_at_a_time(tmp_path: Path) -> None:
    endpoint = run_dispatcher(tmp_path, lanes=1, payments=4)

    assert endpoint.most == 1


@pytest.mark.parametrize("raw", ["0", "65", "many"])
def test_lanes_setting_is_checked(raw: str) -> None:
    with pytest.raises(ConfigError, match="SANDBOX_WEBHOOK_LANES"):
        SandboxConfig.from_mapping({"SANDBOX_WEBHOOK_LANES": raw})
