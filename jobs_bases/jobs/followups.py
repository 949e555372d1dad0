"""The periodic job that puts retention follow-ups in the officers' inbox."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from core.db import db
from core.people.models import Person, PersonStatus
from core.tasks.services import Assignee, create_task
from core.timeutil import local_today
from core.users import Role
from jobs_bases.jobs.models import FollowUp, Referral, ReferralStatus
from jobs_bases.jobs.referrals import FOLLOW_UP_MONTHS, add_months, follow_up_key

# A follow-up shows in the inbox this long before it is due.
LEAD = timedelta(days=7)


# The kind of the officers' follow-up tasks (the home page counts them).
TASK_KIND = "retention_follow_up"


def open_follow_up_tasks(today: date | None = None) -> int:
    """For each current hire of an active case whose 3- or 6-month follow-up is due within
    a week and not recorded, a task for the officers of the person's office (once: the
    task's key dedupes). Returns how many tasks were opened or found open."""
    today = today or local_today()
    done = {
        (referral_id, months)
        for referral_id, months in db.session.execute(select(FollowUp.referral_id, FollowUp.months))
    }
    hires = db.session.scalars(
        select(Referral)
        .join(Person, Person.id == Referral.person_id)
        .where(
            Referral.status == ReferralStatus.HIRED,
            Referral.hired_on.is_not(None),
            Referral.hired_on <= today - timedelta(days=80),
            Person.status == PersonStatus.ACTIVE,
        )
        .order_by(Referral.id)
    )
    opened = 0
    for referral in hires:
        assert referral.hired_on is not None
        for months in FOLLOW_UP_MONTHS:
            due = add_months(referral.hired_on, months)
            if (referral.id, months) in done or due - LEAD > today:
                continue
            create_task(
                kind=TASK_KIND,
                dedupe_key=follow_up_key(referral.id, months),
                title="Retention follow-up: is the person of referral %(id)s still employed "
                "(%(months)s months)?",
                title_params={"id": referral.id, "months": months},
                link=f"/jobs/referrals/{referral.id}",
                assignee=Assignee.to_role(Role.OFFICER, referral.office_id),
                due_on=due,
            )
            opened += 1
    db.session.commit()
    return opened
