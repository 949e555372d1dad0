"""Login throttling: per account and per address, shared by every app process.

Counters live in the database (table `login_throttle`), or in Redis when one is
configured, so several gunicorn workers see the same failures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, db, utcnow

if TYPE_CHECKING:
    # Only a deployment with a Redis URL loads the client (portal.app imports it then).
    from redis import Redis


@dataclass(frozen=True)
class ThrottlePolicy:
    account_failures: int = 5
    account_lock_s: int = 60
    address_failures: int = 30
    address_window_s: int = 600
    address_block_s: int = 60


class LoginThrottle(Base):
    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime]
    locked_until: Mapped[datetime | None]


class Throttle(Protocol):
    def blocked(self, username: str, address: str) -> bool: ...
    def failed(self, username: str, address: str) -> None: ...
    def succeeded(self, username: str) -> None: ...


class DatabaseThrottle:
    """Counters in the database; each call is its own short transaction."""

    def __init__(self, policy: ThrottlePolicy) -> None:
        self.policy = policy

    def _locked(self, key: str, now: datetime) -> bool:
        row = db.session.get(LoginThrottle, key)
        return row is not None and row.locked_until is not None and row.locked_until > now

    def blocked(self, username: str, address: str) -> bool:
        now = utcnow()
        result = self._locked(f"acct:{username.lower()}", now) or self._locked(
            f"addr:{address}", now
        )
        db.session.rollback()
        return result

    def _bump(self, key: str, limit: int, window_s: int, lock_s: int, now: datetime) -> None:
        row = db.session.scalar(
            select(LoginThrottle).where(LoginThrottle.key == key).with_for_update()
        )
        if row is None:
            row = LoginThrottle(key=key, failures=0, window_started_at=now)
            db.session.add(row)
        if now - row.window_started_at > timedelta(seconds=window_s):
            row.failures = 0
            row.window_started_at = now
        row.failures += 1
        if row.failures >= limit:
            row.locked_until = now + timedelta(seconds=lock_s)
            row.failures = 0
            row.window_started_at = now

    def failed(self, username: str, address: str) -> None:
        now = utcnow()
        p = self.policy
        # An account's failures count within its lock period, then start again.
        self._bump(
            f"acct:{username.lower()}",
            p.account_failures,
            p.account_lock_s * 10,
            p.account_lock_s,
            now,
        )
        self._bump(
            f"addr:{address}", p.address_failures, p.address_window_s, p.address_block_s, now
        )
        db.session.commit()

    def succeeded(self, username: str) -> None:
        row = db.session.get(LoginThrottle, f"acct:{username.lower()}")
        if row is not None and row.failures:
            row.failures = 0
        db.session.commit()


class RedisThrottle:
    """The same rules on Redis counters with expiry."""

    def __init__(self, policy: ThrottlePolicy, client: Redis) -> None:
        self.policy = policy
        self.redis = client

    def blocked(self, username: str, address: str) -> bool:
        r = self.redis
        return bool(
            r.exists(f"throttle:lock:acct:{username.lower()}")
            or r.exists(f"throttle:lock:addr:{address}")
        )

    def _bump(self, key: str, limit: int, window_s: int, lock_s: int) -> None:
        r = self.redis
        count = r.incr(f"throttle:count:{key}")
        if count == 1:
            r.expire(f"throttle:count:{key}", window_s)
        if count >= limit:
            r.set(f"throttle:lock:{key}", 1, ex=lock_s)
            r.delete(f"throttle:count:{key}")

    def failed(self, username: str, address: str) -> None:
        p = self.policy
        self._bump(
            f"acct:{username.lower()}", p.account_failures, p.account_lock_s * 10, p.account_lock_s
        )
        self._bump(f"addr:{address}", p.address_failures, p.address_window_s, p.address_block_s)

    def succeeded(self, username: str) -> None:
        self.redis.delete(f"throttle:count:acct:{username.lower()}")
