"""Notices for a judicial office's officers: queued on the outbox's `office_notice`
channel in the transaction of the fact (a need approved, funded, paid out or closed; a
training offer), delivered afterwards by `deliver_office_notices` as one notice per
officer of the office, read on the notices page.

A notice says only what its officers may already see on their own pages: a need's
number and title, an application's number and course, never a name or an ID number.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select, update

from core.db import db, utcnow
from core.errors import NotFound
from core.notices.models import Notice
from core.orgs import OrgUnit
from core.outbox import OutboxMessage, Undeliverable, queue_message, send_pending
from core.timeutil import local_today
from core.users import Role, User, visible_office_ids

# The outbox channel of notices to a judicial office (recipient: the office's id).
OFFICE_CHANNEL = "office_notice"


@dataclass(frozen=True)
class NoticeKind:
    """How a message of one kind reads as a notice: a msgid whose placeholders are
    keys of the message's data (only those are kept), and the page it links to."""

    title: str
    link: Callable[[Mapping[str, Any]], str]
    params: tuple[str, ...] = field(default=())


_KINDS: dict[str, NoticeKind] = {}


def register_notice_kind(kind: str, notice_kind: NoticeKind) -> None:
    """A wing that queues messages of `kind` on the office channel says how they read."""
    _KINDS[kind] = notice_kind


def _need_link(data: Mapping[str, Any]) -> str:
    return f"/needs/{int(data['need_id'])}"


# Titles are msgids, translated where the notice is shown.
NEED_NOTICES = {
    "office_need_approved": "Need %(need_id)s (%(title)s) was approved by the reviewer.",
    "office_need_funded": "Need %(need_id)s (%(title)s) is fully funded.",
    "office_need_disbursed": "Need %(need_id)s (%(title)s) was paid out.",
    "office_need_closed": "Need %(need_id)s (%(title)s) is closed.",
    "office_need_expired": "Need %(need_id)s (%(title)s) closed unfunded: its deadline passed.",
}
for _kind, _title in NEED_NOTICES.items():
    register_notice_kind(_kind, NoticeKind(_title, _need_link, ("need_id", "title")))


def tell_office_about_need(
    kind: str, *, need_id: int, title: str, office_id: int, minor: bool, fact: object
) -> bool:
    """Queue a notice of a need's step for its office (caller's transaction, no commit).

    `fact` names this occurrence (the audit event's id): a need funded, reopened by a
    refund and funded again is told twice, the same step queued twice once."""
    if kind not in NEED_NOTICES:
        raise ValueError(f"unknown need notice {kind}")
    return queue_message(
        OFFICE_CHANNEL,
        str(office_id),
        kind,
        f"{kind}:{need_id}:{fact}",
        {"need_id": need_id, "title": title, "minor": minor},
    )


def _units_above(unit_id: int) -> list[int]:
    """The unit and every unit above it: an officer scoped to any of them covers it."""
    parents = dict(db.session.execute(select(OrgUnit.id, OrgUnit.parent_id)).tuples().all())
    found: list[int] = []
    current: int | None = unit_id
    while current is not None and current not in found:
        found.append(current)
        current = parents.get(current)
    return found


def _officers_of(office_id: int, *, minor: bool) -> list[User]:
    """Active officers whose scope covers the office (two queries, however many)."""
    today = local_today()
    officers = db.session.scalars(
        select(User)
        .where(
            User.role == Role.OFFICER,
            User.active.is_(True),
            User.scope_unit_id.in_(_units_above(office_id)),
        )
        .order_by(User.id)
    )
    return [
        officer
        for officer in officers
        if not officer.access_ended(today) and (officer.may_see_minors or not minor)
    ]


class OfficeNoticeSender:
    """The outbox's sender for OFFICE_CHANNEL (core.outbox.Sender): one notice per
    officer of the office, inside the transaction that marks the message sent."""

    def send(self, message: OutboxMessage) -> None:
        kind = _KINDS.get(message.kind)
        if kind is None:
            raise Undeliverable(f"no notice reads a message of kind {message.kind}")
        try:
            office_id = int(message.recipient)
        except ValueError as error:
            raise Undeliverable("the recipient is not an office") from error
        data = message.data or {}
        officers = _officers_of(office_id, minor=bool(data.get("minor")))
        if not officers:
            raise Undeliverable("the office has no officer to tell")
        already = set(
            db.session.scalars(select(Notice.user_id).where(Notice.message_id == message.id))
        )
        params = {key: data.get(key, "") for key in kind.params}
        link = kind.link(data)
        for officer in officers:
            if officer.id in already:
                continue
            db.session.add(
                Notice(
                    message_id=message.id,
                    user_id=officer.id,
                    office_id=office_id,
                    kind=message.kind,
                    title=kind.title,
                    title_params=params,
                    link=link,
                    created_at=utcnow(),
                )
            )
        db.session.flush()


def deliver_office_notices(limit: int = 100) -> int:
    """Turn pending office messages into notices; returns how many messages went out.
    The periodic job `office-notices` runs it."""
    return send_pending({OFFICE_CHANNEL: OfficeNoticeSender()}, limit=limit)


def _visible(user: User) -> Select[tuple[Notice]]:
    query = select(Notice).where(Notice.user_id == user.id)
    offices = visible_office_ids(user)
    if offices is not None:
        # A notice of an office the officer has left stays out of sight.
        query = query.where(Notice.office_id.in_(offices))
    return query


def notices_for(user: User, limit: int = 100) -> list[Notice]:
    """The user's notices, unread first, newest first."""
    return list(
        db.session.scalars(
            _visible(user)
            .order_by(Notice.read_at.is_not(None), Notice.created_at.desc(), Notice.id.desc())
            .limit(limit)
        )
    )


def unread_count(user: User) -> int:
    query = _visible(user).where(Notice.read_at.is_(None))
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def mark_read(user: User, notice_id: int) -> Notice:
    """Mark one of the user's notices read; one transaction. Another's is NotFound."""
    notice = db.session.scalar(_visible(user).where(Notice.id == notice_id))
    if notice is None:
        raise NotFound("No such notice.")
    if notice.read_at is None:
        notice.read_at = utcnow()
    db.session.commit()
    return notice


def mark_all_read(user: User) -> int:
    """Mark every unread notice of the user read; returns how many."""
    ids = [
        notice.id for notice in db.session.scalars(_visible(user).where(Notice.read_at.is_(None)))
    ]
    if ids:
        db.session.execute(update(Notice).where(Notice.id.in_(ids)).values(read_at=utcnow()))
    db.session.commit()
    return len(ids)
