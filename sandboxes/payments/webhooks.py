"""Webhook delivery: Stripe's signature, retries with backoff, and the injected faults."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import queue
import sqlite3
import threading
import time
import zlib
from dataclasses import asdict, dataclass
from typing import Any

import httpx

from .config import SandboxConfig
from .events import get_event
from .faults import Faults
from .idempotency import forget_old_answers
from .store import Store

logger = logging.getLogger(__name__)

JSONObject = dict[str, Any]

_POLL_S = 0.2
_HOUSEKEEPING_EVERY_S = 600.0
_BATCH = 200


def signature_header(payload: str, secret: str, timestamp: int) -> str:
    """`Stripe-Signature`: HMAC-SHA256 of `"{t}.{payload}"` keyed by the endpoint secret."""
    digest = hmac.new(
        secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={digest}"


@dataclass
class FlushReport:
    attempted: int = 0
    delivered: int = 0
    failed: int = 0
    dropped: int = 0
    duplicated: int = 0
    pending: int = 0

    def as_json(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class _Delivery:
    id: int
    event_id: str
    url: str
    secret: str
    attempts: int
    delayed: bool
    created_at: float
    # The payment the event is about (a refund's or a charge's payment intent):
    # its deliveries share one lane, so they reach the endpoint in the order queued.
    payment: str


_SELECT = (
    "SELECT d.id, d.event_id, w.url, w.secret, d.attempts, d.delayed, d.created_at,"
    " coalesce(json_extract(e.body, '$.data.object.payment_intent'),"
    " json_extract(e.body, '$.data.object.id'), d.event_id) AS payment"
    " FROM deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id"
    " JOIN events e ON e.id = d.event_id"
    " WHERE d.status = 'pending'"
)


class Dispatcher:
    """Sends queued deliveries from background lanes, oldest due first.

    One thread picks what is due and hands each delivery to one of
    `config.webhook_lanes` lane threads, chosen by the payment the event is
    about: deliveries of different payments go out side by side, those of one
    payment one after another in the order they were queued (unless the
    reorder fault shuffles them). `flush()` may run at the same time from a
    request thread; a delivery is claimed in memory before it is handed to a
    lane or sent, so no attempt is ever made twice.
    """

    def __init__(self, store: Store, faults: Faults, config: SandboxConfig) -> None:
        self._store = store
        self._faults = faults
        self._config = config
        self._wakeup = threading.Event()
        self._stopping = threading.Event()
        self._claims = threading.Condition()
        self._in_flight: set[int] = set()
        self._thread: threading.Thread | None = None
        self._lanes: list[queue.SimpleQueue[_Delivery | None]] = []
        self._lane_threads: list[threading.Thread] = []
        self._last_housekeeping = 0.0
        # One pooled client for every thread: httpx clients are thread-safe, and
        # building one per delivery costs an SSL context each time.
        self._http = httpx.Client(timeout=config.webhook_timeout_s, trust_env=False)

    def start(self) -> None:
        if self._thread is None:
            for number in range(self._config.webhook_lanes):
                lane: queue.SimpleQueue[_Delivery | None] = queue.SimpleQueue()
                thread = threading.Thread(
                    target=self._run_lane,
                    args=(lane,),
                    name=f"payments-sandbox-webhooks-{number}",
                    daemon=True,
                )
                self._lanes.append(lane)
                self._lane_threads.append(thread)
                thread.start()
            self._thread = threading.Thread(
                target=self._run, name="payments-sandbox-webhooks", daemon=True
            )
            self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stopping.set()
        self._wakeup.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None
        for lane in self._lanes:
            lane.put(None)
        for thread in self._lane_threads:
            thread.join(timeout_s)
        self._lanes, self._lane_threads = [], []
        self._http.close()

    def wake(self) -> None:
        self._wakeup.set()

    def flush(self, timeout_s: float = 60.0) -> FlushReport:
        """Attempt every pending delivery now, backoff and delay faults notwithstanding."""
        report = FlushReport()
        busy: list[int] = []
        with self._store.read() as conn:
            deliveries = self._load(conn, due_before=None)
        self._faults.maybe_shuffle(deliveries)
        for delivery in deliveries:
            if not self._attempt_claimed(delivery, report):
                busy.append(delivery.id)
        with self._claims:
            self._claims.wait_for(lambda: not self._in_flight.intersection(busy), timeout=timeout_s)
        with self._store.read() as conn:
            row = conn.execute(
                "SELECT count(*) AS n FROM deliveries WHERE status = 'pending'"
            ).fetchone()
            report.pending = int(row["n"])
        return report

    def _run(self) -> None:
        while not self._stopping.is_set():
            # Cleared before the round, so a wake-up during it starts the next one at once.
            self._wakeup.clear()
            try:
                self._deliver_due()
                self._housekeeping()
            except Exception:
                # The thread must outlive a bad delivery or a locked database.
                logger.exception("webhook dispatcher round failed")
            self._wakeup.wait(_POLL_S)

    def _deliver_due(self) -> None:
        with self._store.read() as conn:
            deliveries = self._load(conn, due_before=time.time())
        with self._claims:
            # Already handed to a lane (or being flushed): not again.
            deliveries = [d for d in deliveries if d.id not in self._in_flight]
        deliveries = self._postpone_delayed(deliveries)
        self._faults.maybe_shuffle(deliveries)
        for delivery in deliveries:
            if self._stopping.is_set():
                return
            with self._claims:
                if delivery.id in self._in_flight:
                    continue
                self._in_flight.add(delivery.id)
            self._lanes[zlib.crc32(delivery.payment.encode()) % len(self._lanes)].put(delivery)

    def _run_lane(self, lane: queue.SimpleQueue[_Delivery | None]) -> None:
        report = FlushReport()
        while True:
            delivery = lane.get()
            if delivery is None:
                return
            try:
                if not self._stopping.is_set():
                    self._attempt(delivery, report)
            except Exception:
                logger.exception("webhook delivery %s failed", delivery.id)
            finally:
                self._release(delivery.id)
            if lane.empty():
                # A lane that ran dry may let the picker hand out what was left behind.
                self._wakeup.set()

    def _release(self, delivery_id: int) -> None:
        with self._claims:
            self._in_flight.discard(delivery_id)
            self._claims.notify_all()

    def _postpone_delayed(self, deliveries: list[_Delivery]) -> list[_Delivery]:
        """Apply the `webhook_delay_ms` fault once, before a delivery's first attempt."""
        ready: list[_Delivery] = []
        postponed: list[tuple[float, int]] = []
        for delivery in deliveries:
            delay = 0.0 if delivery.delayed or delivery.attempts else self._faults.webhook_delay_s()
            if delay > 0:
                postponed.append((time.time() + delay, delivery.id))
            else:
                ready.append(delivery)
        if postponed:
            with self._store.write() as conn:
                conn.executemany(
                    "UPDATE deliveries SET delayed = 1, next_attempt_at = ?"
                    " WHERE id = ? AND status = 'pending' AND attempts = 0",
                    postponed,
                )
        return ready

    def _load(self, conn: sqlite3.Connection, *, due_before: float | None) -> list[_Delivery]:
        if due_before is None:
            rows = conn.execute(f"{_SELECT} ORDER BY d.id LIMIT ?", (_BATCH * 50,))
        else:
            rows = conn.execute(
                f"{_SELECT} AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at, d.id LIMIT ?",
                (due_before, _BATCH),
            )
        return [
            _Delivery(
                id=row["id"],
                event_id=row["event_id"],
                url=row["url"],
                secret=row["secret"],
                attempts=row["attempts"],
                delayed=bool(row["delayed"]),
                created_at=row["created_at"],
                payment=str(row["payment"]),
            )
            for row in rows
        ]

    def _attempt_claimed(self, delivery: _Delivery, report: FlushReport) -> bool:
        """Attempt `delivery` unless another thread holds it; False when it was busy."""
        with self._claims:
            if delivery.id in self._in_flight:
                return False
            self._in_flight.add(delivery.id)
        try:
            self._attempt(delivery, report)
        finally:
            self._release(delivery.id)
        return True

    def _attempt(self, delivery: _Delivery, report: FlushReport) -> None:
        with self._store.read() as conn:
            current = conn.execute(
                "SELECT status, attempts FROM deliveries WHERE id = ?", (delivery.id,)
            ).fetchone()
            # Another thread may have finished this attempt between our read and our claim.
            if (
                current is None
                or current["status"] != "pending"
                or current["attempts"] != delivery.attempts
            ):
                return
            payload = json.dumps(get_event(conn, delivery.event_id), indent=2)
        report.attempted += 1
        if self._faults.webhook_dropped():
            # Lost for good: the event stays listed, so only reconciliation can find it.
            self._finish(delivery, "dropped", None, None)
            report.dropped += 1
            return
        status_code, error = self._post(delivery, payload)
        succeeded = status_code is not None and 200 <= status_code < 300
        duplicated = succeeded and self._faults.webhook_duplicated()
        if duplicated:
            self._post(delivery, payload)
            report.duplicated += 1
        if succeeded:
            self._finish(delivery, "delivered", status_code, None, duplicated=duplicated)
            report.delivered += 1
        else:
            self._retry_later(delivery, status_code, error)
            report.failed += 1

    def _post(self, delivery: _Delivery, payload: str) -> tuple[int | None, str | None]:
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            "Stripe-Signature": signature_header(payload, delivery.secret, int(time.time())),
        }
        try:
            response = self._http.post(delivery.url, content=payload.encode(), headers=headers)
        except httpx.HTTPError as exc:
            return None, f"{type(exc).__name__}: {exc}"
        return response.status_code, None

    def _finish(
        self,
        delivery: _Delivery,
        status: str,
        status_code: int | None,
        error: str | None,
        *,
        duplicated: bool = False,
    ) -> None:
        attempts = delivery.attempts + (0 if status == "dropped" else 1)
        with self._store.write() as conn:
            conn.execute(
                "UPDATE deliveries SET status = ?, attempts = ?, last_status_code = ?,"
                " last_error = ?, duplicates = duplicates + ?, delivered_at = ?"
                " WHERE id = ? AND status = 'pending'",
                (
                    status,
                    attempts,
                    status_code,
                    error,
                    int(duplicated),
                    time.time() if status == "delivered" else None,
                    delivery.id,
                ),
            )

    def _retry_later(self, delivery: _Delivery, status_code: int | None, error: str | None) -> None:
        attempts = delivery.attempts + 1
        schedule = self._config.retry_schedule
        next_at = time.time() + schedule[min(attempts, len(schedule)) - 1]
        gave_up = time.time() - delivery.created_at > self._config.give_up_after_s
        with self._store.write() as conn:
            conn.execute(
                "UPDATE deliveries SET status = ?, attempts = ?, next_attempt_at = ?,"
                " last_status_code = ?, last_error = ? WHERE id = ? AND status = 'pending'",
                (
                    "failed" if gave_up else "pending",
                    attempts,
                    next_at,
                    status_code,
                    error or f"HTTP {status_code}",
                    delivery.id,
                ),
            )

    def _housekeeping(self) -> None:
        if time.monotonic() - self._last_housekeeping < _HOUSEKEEPING_EVERY_S:
            return
        self._last_housekeeping = time.monotonic()
        with self._store.write() as conn:
            forget_old_answers(conn)


def list_deliveries(conn: sqlite3.Connection, event_id: str | None, limit: int) -> list[JSONObject]:
    """Newest first; what `GET /_sandbox/deliveries` shows."""
    rows = conn.execute(
        "SELECT id, event_id, endpoint_id, status, attempts, duplicates, last_status_code,"
        " last_error, created_at, delivered_at FROM deliveries"
        " WHERE ? IS NULL OR event_id = ? ORDER BY id DESC LIMIT ?",
        (event_id, event_id, limit),
    ).fetchall()
    return [dict(row) for row in rows]
