"""Waiting for a donation to settle: the long poll behind `GET /donations/{id}?wait=`.

A donor's phone that has just paid asks "has it gone through?". Asked again and
again, that question was most of the portal's work on a busy day (a dozen requests
per donation at 32 donors at once, docs/benchmarks.md). With `?wait=` the answer
comes when the payment has been booked, in one request.

How a waiting request learns of it: the transaction that settles a donation
announces it (`announce`). On PostgreSQL that is a NOTIFY, delivered at commit to a
listening thread in every portal process; in the announcing process itself the
waiters are also woken after the commit. A waiter looks at the database again
anyway: on PostgreSQL every RECHECK_S, so a lost announcement (a listener
reconnecting) costs at most that, never a wrong answer; on SQLite, where another
process's commit announces nothing here, after 10 ms and then less and less often
(up to every 200 ms), as the phone would have asked, but one query instead of a
request each time.

A waiting request holds one of the process's threads, not a database connection.
So that waiting never starves the requests that settle donations, at most
`DONATION_WAIT_SLOTS` requests of a process wait at once; beyond that the answer
comes at once, as without `?wait=`, with `Retry-After: 1`: when every slot is taken
the portal is busy, and a phone asking again every few milliseconds would make it
busier (an overloaded portal spent most of its time answering such asks).
"""

from __future__ import annotations

import enum
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, SessionTransaction

from core.db import db
from donations.giving.models import Donation, DonationStatus

log = logging.getLogger(__name__)

CHANNEL = "donation_settled"
MAX_WAIT_S = 10
# Told (Retry-After) to an ask that found every slot taken: the process is busy, and
# asking sooner would only add to it.
BUSY_RETRY_AFTER_S = 1
RECHECK_S = 0.5
# Without NOTIFY (SQLite): the first look again, each next one 1.5 times later, the most.
FIRST_LOOK_S, LAST_LOOK_S = 0.01, 0.2
_WAKE_AFTER_COMMIT = "donations.giving.waiting:wake"


class Waiters:
    """Events of the requests waiting in this process, by donation id."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: dict[str, set[threading.Event]] = {}

    def wake(self, donation_id: str) -> None:
        with self._lock:
            for woken in self._events.get(donation_id, ()):
                woken.set()

    @contextmanager
    def watching(self, donation_id: str) -> Iterator[threading.Event]:
        woken = threading.Event()
        with self._lock:
            self._events.setdefault(donation_id, set()).add(woken)
        try:
            yield woken
        finally:
            with self._lock:
                watchers = self._events.get(donation_id, set())
                watchers.discard(woken)
                if not watchers:
                    self._events.pop(donation_id, None)

    def count(self) -> int:
        with self._lock:
            return sum(len(watchers) for watchers in self._events.values())


waiters = Waiters()


@dataclass
class _Process:
    """What a portal process keeps for waiting: a forked worker builds its own."""

    pid: int
    engine: Engine  # an app of its own (tests make many) gets its own slots and listener
    slots: threading.BoundedSemaphore
    stop: threading.Event = field(default_factory=threading.Event)


_process: _Process | None = None
_process_lock = threading.Lock()


def announce(donation_id: str) -> None:
    """Tell waiting requests, once the current transaction commits, that the donation
    is settled (succeeded, failed or cancelled)."""
    session = db.session()
    if session.get_bind().dialect.name == "postgresql":
        # Transactional: delivered at commit, dropped with a rollback.
        session.execute(select(func.pg_notify(CHANNEL, donation_id)))
    session.info.setdefault(_WAKE_AFTER_COMMIT, set()).add(donation_id)


@event.listens_for(Session, "after_commit")
def _wake_after_commit(session: Session) -> None:
    for donation_id in session.info.pop(_WAKE_AFTER_COMMIT, ()):
        waiters.wake(donation_id)


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint
        session.info.pop(_WAKE_AFTER_COMMIT, None)


def _listen(connect: Callable[[], Any], stop: threading.Event) -> None:
    """Wake this process's waiters on every NOTIFY until `stop`; reconnect after a failure.
    `connect` gives a psycopg connection of the listener's own."""
    while not stop.is_set():
        try:
            driver = connect()
            try:
                driver.autocommit = True
                driver.execute(f"LISTEN {CHANNEL}")
                while not stop.is_set():
                    for note in driver.notifies(timeout=1.0):
                        waiters.wake(note.payload)
            finally:
                driver.close()
        except Exception:  # a lost connection: waiters look every RECHECK_S meanwhile
            if not stop.is_set():
                log.warning("donation notice listener lost its connection", exc_info=True)
                stop.wait(1)


def _slots() -> threading.BoundedSemaphore | None:
    """This process's waiting slots (None: waiting is switched off); on PostgreSQL, the
    process's listener is started with them."""
    global _process
    size = int(current_app.config["DONATION_WAIT_SLOTS"])
    if size <= 0:
        return None
    with _process_lock:
        engine = db.engine
        if _process is None or _process.pid != os.getpid() or _process.engine is not engine:
            if _process is not None:
                _process.stop.set()
            _process = _Process(os.getpid(), engine, threading.BoundedSemaphore(size))
            if engine.dialect.name == "postgresql":

                def connect() -> Any:
                    raw = engine.raw_connection()
                    driver = raw.driver_connection
                    raw.detach()  # its own connection for good, not the pool's
                    return driver

                threading.Thread(
                    target=_listen,
                    args=(connect, _process.stop),
                    name="donation-notices",
                    daemon=True,
                ).start()
        return _process.slots


def reset() -> None:
    """Forget this process's slots and stop its listener (a changed setting, tests)."""
    global _process
    with _process_lock:
        if _process is not None:
            _process.stop.set()
        _process = None


def _status(donation_id: str) -> str | None:
    """The donation's status now, read in a transaction of its own that is then ended:
    a waiting request holds no snapshot and no connection."""
    try:
        return db.session.scalar(select(Donation.status).where(Donation.id == donation_id))
    finally:
        db.session.rollback()


class Waited(enum.Enum):
    DONE = "done"  # waited until settled or the time was up: read the donation again
    NO_SLOT = "no_slot"  # every slot was taken: answer now, and say when to ask again
    OFF = "off"  # DONATION_WAIT_SLOTS is 0


def wait_until_settled(donation_id: str, seconds: float) -> Waited:
    """Wait up to `seconds` (at most MAX_WAIT_S) while the donation is pending."""
    slots = _slots()
    if slots is None:
        return Waited.OFF
    if not slots.acquire(blocking=False):
        return Waited.NO_SLOT
    try:
        deadline = time.monotonic() + min(seconds, MAX_WAIT_S)
        notified = db.engine.dialect.name == "postgresql"
        pause = RECHECK_S if notified else FIRST_LOOK_S
        with waiters.watching(donation_id) as woken:
            # Watching before reading: an announcement between the two is not missed.
            while _status(donation_id) == DonationStatus.PENDING:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                woken.wait(min(left, pause))
                woken.clear()
                if not notified:
                    pause = min(LAST_LOOK_S, pause * 1.5)
        return Waited.DONE
    finally:
        slots.release()
