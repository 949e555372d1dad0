"""Messages about shifts: reminders (a periodic job queues them), a place freed from
the waitlist, a cancelled shift. Their words are registered with the accounts'
sender (volunteers.accounts.messages)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select

from core.db import db, utcnow
from core.timeutil import to_local
from volunteers.accounts.messages import Text, queue_for_volunteer, register_text
from volunteers.accounts.models import Volunteer
from volunteers.programmes.models import Shift, ShiftStatus, Signup, SignupStatus
from volunteers.programmes.signups import PROMOTED_KIND, SHIFT_CANCELLED_KIND

REMINDER_KIND = "shift_reminder"


def queue_reminders(lead: timedelta, now: datetime | None = None) -> int:
    """Queue a reminder for every place on a shift starting within `lead`; each place is
    reminded once (the outbox's dedupe key). One transaction; returns how many."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Signup)
        .join(Shift, Shift.id == Signup.shift_id)
        .where(
            Signup.status == SignupStatus.CONFIRMED,
            Shift.status == ShiftStatus.OPEN,
            Shift.starts_at > now,
            Shift.starts_at <= now + lead,
        )
        .order_by(Signup.id)
    )
    queued = sum(
        queue_for_volunteer(
            signup.volunteer,
            REMINDER_KIND,
            f"shift-reminder:{signup.id}:{signup.shift.starts_at.isoformat()}",
            {"shift_id": signup.shift_id},
        )
        for signup in due
    )
    db.session.commit()
    return queued


def run_reminders() -> int:
    lead = timedelta(hours=int(current_app.config["VOLUNTEER_REMINDER_LEAD_H"]))
    return queue_reminders(lead)


def _shift_words(data: Mapping[str, Any]) -> str:
    shift = db.session.get(Shift, int(data["shift_id"]))
    if shift is None:
        return ""
    start = to_local(shift.starts_at)
    return f"“{shift.activity.title}”（{start:%m月%d日 %H:%M}–{to_local(shift.ends_at):%H:%M}，{shift.place}）"


def _reminder(data: Mapping[str, Any], volunteer: Volunteer, base_url: str) -> Text:
    return Text(
        "志愿服务提醒",
        f"{volunteer.display_name}，您好：您报名的{_shift_words(data)}即将开始，请准时到场，"
        f"到场后向协调员索取签到码签到。详情：{base_url}/v/",
    )


def _promoted(data: Mapping[str, Any], volunteer: Volunteer, base_url: str) -> Text:
    return Text(
        "候补转正通知",
        f"{volunteer.display_name}，您好：{_shift_words(data)}有了空位，您已从候补转为正式报名。"
        f"如不能参加，请及时取消：{base_url}/v/",
    )


def _cancelled(data: Mapping[str, Any], volunteer: Volunteer, base_url: str) -> Text:
    return Text(
        "活动取消通知",
        f"{volunteer.display_name}，您好：很抱歉，{_shift_words(data)}已取消。更多活动：{base_url}/v/shifts",
    )


def register_texts(app: Flask) -> None:
    register_text(app, REMINDER_KIND, _reminder)
    register_text(app, PROMOTED_KIND, _promoted)
    register_text(app, SHIFT_CANCELLED_KIND, _cancelled)
