"""The class itself: who the trainees are (as far as the viewer may know), attendance per
session, exam results, and judging completion when the course is over.

What a training partner sees of a trainee: the name and the phone only where the
person consented for this enrolment (otherwise the enrolment's alias and no phone),
attendance and the exam. Never the kind of person, their case, or the office's notes.
Staff see trainees of their own scope, masked. Every view of trainees is audited.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.errors import Conflict, NotFound, ValidationFailed
from core.people.models import Person
from core.privacy import mask_name, mask_phone
from core.timeutil import local_today
from core.users import User
from jobs_bases.consent.models import Consent, SubjectKind
from jobs_bases.training.certificates import issue_certificate
from jobs_bases.training.completion import attendance_pct, judge
from jobs_bases.training.courses import session_started, sessions_of
from jobs_bases.training.models import (
    Attendance,
    Course,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
)
from jobs_bases.training.scope import (
    person_clause,
    require_runs_the_class,
    runs_the_class,
    visible_course,
)

IN_CLASS = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED, EnrolmentStatus.NOT_COMPLETED)


@dataclass(frozen=True)
class Trainee:
    """One trainee as the viewer may see them."""

    enrolment: Enrolment
    name: str  # the name (partner, with consent), the masked name (staff), or the alias
    phone: str  # "" when the viewer may not see it
    named: bool  # the name shown is the person's (consented), not an alias
    attended: int
    sessions: int

    @property
    def attendance_pct(self) -> int:
        return attendance_pct(self.attended, self.sessions)


def _consents(enrolment_ids: Collection[int]) -> dict[int, Consent]:
    if not enrolment_ids:
        return {}
    return {
        consent.subject_id: consent
        for consent in db.session.scalars(
            select(Consent).where(
                Consent.subject_kind == SubjectKind.ENROLMENT,
                Consent.subject_id.in_(list(enrolment_ids)),
                Consent.withdrawn_at.is_(None),
            )
        )
    }


def _attended(enrolment_ids: Collection[int]) -> dict[int, int]:
    if not enrolment_ids:
        return {}
    rows = db.session.execute(
        select(Attendance.enrolment_id, func.count())
        .where(Attendance.enrolment_id.in_(list(enrolment_ids)), Attendance.present.is_(True))
        .group_by(Attendance.enrolment_id)
    )
    return {enrolment_id: count for enrolment_id, count in rows}


def _trainees(actor: User, course: Course, enrolment_id: int | None = None) -> list[Trainee]:
    query = (
        select(Enrolment, Person)
        .join(Person, Person.id == Enrolment.person_id)
        .where(Enrolment.course_id == course.id, Enrolment.status.in_(IN_CLASS))
        .order_by(Enrolment.id)
    )
    if enrolment_id is not None:
        query = query.where(Enrolment.id == enrolment_id)
    as_partner = not actor.does_casework
    if not as_partner:
        query = query.where(person_clause(actor, Enrolment.office_id))
    rows = db.session.execute(query).all()
    ids = [enrolment.id for enrolment, _person in rows]
    consents = _consents(ids) if as_partner else {}
    attended = _attended(ids)
    total = len(sessions_of(course.id))
    trainees = []
    for enrolment, person in rows:
        if as_partner:
            consent = consents.get(enrolment.id)
            named = consent is not None and consent.share_name and bool(person.name)
            name = str(person.name) if named else enrolment.alias
            phone = str(person.phone or "") if consent is not None and consent.share_phone else ""
        else:
            named = False
            name = mask_name(person.name) or enrolment.alias
            phone = mask_phone(person.phone)
        trainees.append(
            Trainee(enrolment, name, phone, named, attended.get(enrolment.id, 0), total)
        )
    return trainees


def view_trainees(
    actor: User, course_id: int, *, purpose: str = "list", ip: str | None = None
) -> tuple[Course, list[Trainee]]:
    """The course's trainees for the viewer; the view is audited (who was shown, and
    whose name was shown in clear)."""
    course = visible_course(actor, course_id)
    if not actor.does_casework:
        require_runs_the_class(actor, course)
    trainees = _trainees(actor, course)
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.TRAINING_TRAINEES_VIEW,
        "course",
        course.id,
        purpose=purpose,
        enrolments=[t.enrolment.id for t in trainees],
        named=[t.enrolment.id for t in trainees if t.named],
    )
    db.session.commit()
    return course, trainees


@dataclass(frozen=True)
class TraineeRecord:
    trainee: Trainee
    course: Course
    attendance: list[tuple[CourseSession, bool | None]]  # None: not recorded


def view_trainee(actor: User, enrolment_id: int, *, ip: str | None = None) -> TraineeRecord:
    """One trainee's record (attendance, exam, completion) for the partner of the
    course or staff of the person's scope; the view is audited."""
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.status not in IN_CLASS:
        raise NotFound("No such trainee.")
    course = visible_course(actor, enrolment.course_id)
    if not actor.does_casework:
        require_runs_the_class(actor, course)
    found = _trainees(actor, course, enrolment.id)
    if not found:
        raise NotFound("No such trainee.")
    marks = {
        row.session_id: row.present
        for row in db.session.scalars(
            select(Attendance).where(Attendance.enrolment_id == enrolment.id)
        )
    }
    attendance = [(session, marks.get(session.id)) for session in sessions_of(course.id)]
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.TRAINING_TRAINEE_VIEW,
        "training_enrolment",
        enrolment.id,
        office_id=enrolment.office_id,
        course=course.id,
        named=found[0].named,
    )
    db.session.commit()
    return TraineeRecord(found[0], course, attendance)


def get_session(actor: User, session_id: int) -> tuple[CourseSession, Course]:
    session = db.session.get(CourseSession, session_id)
    if session is None:
        raise NotFound("No such session.")
    course = visible_course(actor, session.course_id)
    require_runs_the_class(actor, course)
    return session, course


def marks_of(session_id: int) -> dict[int, bool]:
    return {
        row.enrolment_id: row.present
        for row in db.session.scalars(select(Attendance).where(Attendance.session_id == session_id))
    }


def record_attendance(
    actor: User,
    session_id: int,
    present: Collection[int],
    *,
    now: datetime | None = None,
    ip: str | None = None,
) -> CourseSession:
    """Who came to a session (the course's partner, or an admin); every trainee not in
    `present` is recorded absent. Refused for a session that has not started yet, and
    once the course is closed. Recording again corrects the marks; one transaction."""
    now = now or utcnow()
    session, _course = get_session(actor, session_id)
    course = visible_course(actor, session.course_id, lock=True)
    if course.closed_at is not None:
        raise Conflict("This course is closed: its completion was judged.")
    if not session_started(session, now):
        raise ValidationFailed(
            "This session is on %(date)s at %(time)s: attendance is recorded once it has"
            " taken place.",
            date=session.on_date.isoformat(),
            time=session.start_time.strftime("%H:%M"),
        )
    enrolled = {
        enrolment.id: enrolment
        for enrolment in db.session.scalars(
            select(Enrolment).where(
                Enrolment.course_id == course.id, Enrolment.status == EnrolmentStatus.ENROLLED
            )
        )
    }
    chosen = set(present)
    if not chosen <= set(enrolled):
        raise ValidationFailed("Mark only the trainees of this course.")
    marks = {
        row.enrolment_id: row
        for row in db.session.scalars(select(Attendance).where(Attendance.session_id == session.id))
    }
    for enrolment_id in enrolled:
        row = marks.get(enrolment_id)
        if row is None:
            row = Attendance(session_id=session.id, enrolment_id=enrolment_id)
            db.session.add(row)
        row.present = enrolment_id in chosen
        row.recorded_at = now
        row.recorded_by_id = actor.id
    session.attendance_recorded_at = now
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.TRAINING_ATTENDANCE_RECORD,
        "course_session",
        session.id,
        course=course.id,
        present=len(chosen),
        absent=len(enrolled) - len(chosen),
    )
    db.session.commit()
    return session


def record_exam(
    actor: User,
    enrolment_id: int,
    passed: bool,
    *,
    now: datetime | None = None,
    ip: str | None = None,
) -> Enrolment:
    """The trainee's exam result (the course's partner, or an admin), from the first
    day of the course until it is closed; one transaction."""
    now = now or utcnow()
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise NotFound("No such trainee.")
    course = visible_course(actor, enrolment.course_id, lock=True)
    require_runs_the_class(actor, course)
    if enrolment.status != EnrolmentStatus.ENROLLED or course.closed_at is not None:
        raise Conflict("Only a trainee of a course still running has an exam recorded.")
    if local_today(now) < course.starts_on:
        raise ValidationFailed(
            "The course starts on %(date)s: exams are recorded from then on.",
            date=course.starts_on.isoformat(),
        )
    enrolment.exam_passed = passed
    enrolment.exam_recorded_at = now
    enrolment.exam_recorded_by_id = actor.id
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.TRAINING_EXAM_RECORD,
        "training_enrolment",
        enrolment.id,
        office_id=enrolment.office_id,
        passed=passed,
    )
    db.session.commit()
    return enrolment


def close_course(
    actor: User, course_id: int, *, now: datetime | None = None, ip: str | None = None
) -> Course:
    """Judge completion for every trainee by the course's rule and issue certificates to
    those who completed (the course's partner, or an admin), on or after the last day,
    once every session's attendance (and every exam, if required) is recorded."""
    now = now or utcnow()
    today = local_today(now)
    course = visible_course(actor, course_id, lock=True)
    if not runs_the_class(actor, course):
        raise NotFound("No such course.")
    if course.closed_at is not None:
        raise Conflict("This course is closed: its completion was judged.")
    if today < course.ends_on:
        raise ValidationFailed(
            "The course ends on %(date)s: completion is judged from that day.",
            date=course.ends_on.isoformat(),
        )
    sessions = sessions_of(course.id)
    if not sessions:
        raise Conflict("The course has no sessions: schedule and record them first.")
    for session in sessions:
        if session.attendance_recorded_at is None:
            raise Conflict(
                "Attendance of the session on %(date)s is not recorded yet.",
                date=session.on_date.isoformat(),
            )
    enrolments = list(
        db.session.scalars(
            select(Enrolment)
            .where(Enrolment.course_id == course.id, Enrolment.status == EnrolmentStatus.ENROLLED)
            .order_by(Enrolment.id)
        )
    )
    if course.exam_required:
        for enrolment in enrolments:
            if enrolment.exam_passed is None:
                raise Conflict(
                    "Record the exam result of every trainee first (%(alias)s has none).",
                    alias=enrolment.alias,
                )
    attended = _attended([enrolment.id for enrolment in enrolments])
    completed = 0
    for enrolment in enrolments:
        verdict = judge(
            attended.get(enrolment.id, 0),
            len(sessions),
            course.min_attendance_pct,
            course.exam_required,
            enrolment.exam_passed,
        )
        enrolment.completion_reason = verdict.reason
        if verdict.completed:
            enrolment.status = EnrolmentStatus.COMPLETED
            enrolment.completed_at = now
            issue_certificate(enrolment, today)
            completed += 1
        else:
            enrolment.status = EnrolmentStatus.NOT_COMPLETED
    course.closed_at = now
    course.closed_by_id = actor.id
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.TRAINING_COURSE_CLOSE,
        "course",
        course.id,
        trainees=len(enrolments),
        completed=completed,
    )
    db.session.commit()
    return course
