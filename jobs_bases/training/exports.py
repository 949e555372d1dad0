"""Courses and applications as files for people: CSV or XLSX, as the lists filter them.

Chinese headers, course states and application statuses in words. A partner's file holds
its own courses only; an application's person is masked and a minor is marked, as on the
list; offices outside the viewer's scope are never in the file.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from core.audit_actions import AuditAction
from core.db import db
from core.export import Cell, Export
from core.list_export import MAX_ROWS, ExportRequest, ListExport, audited_export, rows_of, when
from core.privacy import mask_name
from core.timeutil import local_today
from jobs_bases.training.courses import course_state
from jobs_bases.training.models import Application, Course
from jobs_bases.training.queries import (
    ApplicationFilter,
    CourseFilter,
    application_query,
    course_query,
    seats_held,
)

STATUS_LABELS = {
    "submitted": _l("Waiting for allocation"),
    "offered": _l("Offer waiting for an answer"),
    "enrolled": _l("Enrolled"),
    "waitlisted": _l("On the waitlist"),
    "unplaced": _l("No seat"),
    "withdrawn": _l("Withdrawn"),
}
STATE_LABELS = {
    "open": _l("Taking applications"),
    "allocating": _l("Applications closed, allocation pending"),
    "allocated": _l("Seats allocated"),
    "running": _l("Running"),
    "finished": _l("Finished, completion not judged"),
    "closed": _l("Closed, completion judged"),
}


def export_courses(request: ExportRequest, filters: CourseFilter) -> Export:
    """The courses the asker may see, filtered as the list is, newest first."""
    headers = [
        gettext("Course"),
        gettext("Trade"),
        gettext("Training partner"),
        gettext("Round"),
        gettext("Town"),
        gettext("Starts on"),
        gettext("Ends on"),
        gettext("Course seats"),
        gettext("Seats taken"),
        gettext("Status"),
    ]
    found = rows_of(course_query(request.actor, filters).order_by(Course.id.desc()))
    held = seats_held([course.id for course in found])
    today = local_today()
    rows: list[list[Cell]] = [
        [
            course.title,
            course.trade,
            course.partner.name,
            course.round.name,
            course.town,
            course.starts_on.isoformat(),
            course.ends_on.isoformat(),
            course.seats,
            held.get(course.id, 0),
            str(STATE_LABELS[course_state(course, today)]),
        ]
        for course in found
    ]
    kind = ListExport(
        "courses", gettext("Training courses"), AuditAction.TRAINING_COURSE_EXPORT, "course"
    )
    return audited_export(request, kind, headers, rows)


def export_applications(request: ExportRequest, filters: ApplicationFilter) -> Export:
    """The applications of the people in the asker's scope, filtered, newest first."""
    headers = [
        gettext("Number"),
        gettext("Person"),
        gettext("Minor"),
        gettext("Town"),
        gettext("Round"),
        gettext("Applied"),
        gettext("Status"),
    ]
    query = (
        application_query(request.actor, filters).order_by(Application.id.desc()).limit(MAX_ROWS)
    )
    rows: list[list[Cell]] = [
        [
            application.id,
            mask_name(person.name) or gettext("(anonymised)"),
            gettext("Yes") if person.is_minor else "",
            person.town,
            application.round.name,
            when(application.applied_at),
            str(STATUS_LABELS.get(application.status, application.status)),
        ]
        for application, person in db.session.execute(query).all()
    ]
    kind = ListExport(
        "applications",
        gettext("Training applications"),
        AuditAction.TRAINING_APPLICATION_EXPORT,
        "training_application",
    )
    return audited_export(request, kind, headers, rows)
