"""Business dates are in Asia/Shanghai; timestamps are stored in UTC."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from core.db import utcnow

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(SHANGHAI).date()


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI)
