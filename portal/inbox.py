"""The ground floor's lines of the home page's inbox (core.wings.Count): needs to
review, transfers to accept, open tasks and unread notices. Each wing adds its own in
its `init_app`; the dashboard lists them in one place, most urgent first."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.needs.services import review_count
from core.notices.services import unread_count
from core.people.transfers import incoming_transfers
from core.tasks.services import open_task_count
from core.users import CASEWORK_WRITE_ROLES, Role, User
from core.wings import Count, Urgency

STAFF_ROLES = frozenset(Role)


def transfers_to_accept(user: User) -> int:
    return len(incoming_transfers(user))


def counts() -> list[Count]:
    return [
        Count(
            _l("Unread notices"),
            frozenset({Role.OFFICER}),
            unread_count,
            "inbox.notices_page",
            urgency=Urgency.NOW,
            order=10,
        ),
        Count(
            _l("Needs to review"),
            CASEWORK_WRITE_ROLES,
            review_count,
            "needs.index",
            order=10,
            params=(("queue", "review"),),
        ),
        Count(
            _l("Transfers to accept"),
            CASEWORK_WRITE_ROLES,
            transfers_to_accept,
            "persons.index",
            order=12,
            params=(("_anchor", "incoming-transfers"),),
        ),
        Count(_l("Open tasks"), STAFF_ROLES, open_task_count, "inbox.tasks_page", order=90),
    ]
