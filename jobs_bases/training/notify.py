"""How the office learns what it must tell a person: a task for the office's officers
(core/tasks) and a notice in the outbox for the office (core/outbox).

People are told their results through their office, never directly. Tasks and notices
carry application numbers and course titles only: no name leaves the case record.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from core.notices.services import OFFICE_CHANNEL, NoticeKind, register_notice_kind
from core.outbox import queue_message
from core.tasks.services import Assignee, close_tasks_for, create_task
from core.timeutil import local_today, to_local
from core.users import Role
from jobs_bases.training.models import Application, Course, Offer

__all__ = ["OFFICE_CHANNEL"]

# Task titles are msgids, translated where the task is shown.
OFFER_TASK = (
    "Training offer for application %(number)s (%(course)s): tell the person and record"
    " the answer by %(date)s"
)
WAITLIST_TASK = (
    "Training application %(number)s: no seat for now, waitlisted; tell the person the reason"
)
OUTCOME_TASK = (
    "Employment follow-up at %(months)s months of trainee %(alias)s (%(course)s): record"
    " whether they work"
)


# The kind of the officers' task of an open offer (the home page counts those due soon).
OFFER_TASK_KIND = "training_offer"


def answer_by(expires_at: datetime) -> date:
    """The last Shanghai day an offer may be accepted (it expires at the next midnight)."""
    return (to_local(expires_at) - timedelta(seconds=1)).date()


def offer_task_key(offer_id: int) -> str:
    return f"training-offer:{offer_id}"


def result_task_key(application_id: int) -> str:
    return f"training-result:{application_id}"


def outcome_task_key(enrolment_id: int, months: int) -> str:
    return f"training-outcome:{enrolment_id}:{months}"


def application_link(application_id: int) -> str:
    return f"/courses/applications/{application_id}"


# How the office's notices read (core.notices): msgids, translated where shown.
OFFER_NOTICE = (
    "Training offer for application %(application_id)s (%(course)s): answer by %(answer_by)s."
)
WAITLIST_NOTICE = "Training application %(application_id)s was waitlisted: no seat for now."


def _application_link(data: Mapping[str, Any]) -> str:
    return application_link(int(data["application_id"]))


def register_notices() -> None:
    """The office's officers read the training messages as notices."""
    register_notice_kind(
        "training_offer",
        NoticeKind(OFFER_NOTICE, _application_link, ("application_id", "course", "answer_by")),
    )
    register_notice_kind(
        "training_waitlisted", NoticeKind(WAITLIST_NOTICE, _application_link, ("application_id",))
    )


def tell_offer(offer: Offer, course: Course) -> None:
    """An offer was made: the office tells the person and records their answer."""
    last_day = answer_by(offer.expires_at)
    create_task(
        kind=OFFER_TASK_KIND,
        dedupe_key=offer_task_key(offer.id),
        title=OFFER_TASK,
        title_params={
            "number": offer.application_id,
            "course": course.title,
            "date": last_day.isoformat(),
        },
        link=application_link(offer.application_id),
        assignee=Assignee.to_role(Role.OFFICER, offer.office_id),
        due_on=last_day,
    )
    queue_message(
        OFFICE_CHANNEL,
        str(offer.office_id),
        "training_offer",
        offer_task_key(offer.id),
        {
            "offer_id": offer.id,
            "application_id": offer.application_id,
            "course_id": course.id,
            "course": course.title,
            "answer_by": last_day.isoformat(),
        },
    )


def tell_waitlisted(application: Application, today: date | None = None) -> None:
    """The allocation gave no seat: the office tells the person why, and where they wait."""
    create_task(
        kind="training_waitlist",
        dedupe_key=result_task_key(application.id),
        title=WAITLIST_TASK,
        title_params={"number": application.id},
        link=application_link(application.id),
        assignee=Assignee.to_role(Role.OFFICER, application.office_id),
        due_on=today or local_today(),
    )
    queue_message(
        OFFICE_CHANNEL,
        str(application.office_id),
        "training_waitlisted",
        result_task_key(application.id),
        {"application_id": application.id},
    )


def offer_settled(offer_id: int) -> None:
    """The offer was answered, expired or withdrawn: its task is done."""
    close_tasks_for(offer_task_key(offer_id))
