"""Seat allocation for a round: build the engine's problem from the applications, run the
engine in-process (jobs_bases.seats), keep the run with exactly what it was given and
what it answered, let staff review it, and publish it as offers and waitlists.

A run is a draft until published; publishing refuses a run whose input no longer
matches the round (an application entered or withdrawn since, seats changed): staff
run again and review what will actually happen.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from core.people.models import Person
from core.timeutil import local_today
from core.users import User
from jobs_bases.seats import Applicant, Problem, solve
from jobs_bases.seats import Course as SeatCourse
from jobs_bases.training import notify
from jobs_bases.training.holding import held_seats
from jobs_bases.training.models import (
    AllocationRun,
    Application,
    ApplicationStatus,
    Course,
    Enrolment,
    EnrolmentStatus,
    OfferSource,
    RoundStatus,
    RunStatus,
    TrainingRound,
    WaitlistEntry,
    WaitStatus,
)
from jobs_bases.training.offers import lock_course, make_offer, refresh_status
from jobs_bases.training.points import Facts, course_bonus, priority_points
from jobs_bases.training.scope import require_manager, sees_person_row

OUT_OF_SCOPE = (
    "An allocation weighs every application of the round: it needs scope over every office"
    " with applications, minors included."
)


@dataclass(frozen=True)
class Snapshot:
    """What a run is given: the engine's problem as JSON, and each applicant's points."""

    problem: dict[str, Any]
    points: dict[str, Any]


def _round_courses(round_id: int) -> list[Course]:
    return list(
        db.session.scalars(select(Course).where(Course.round_id == round_id).order_by(Course.id))
    )


def _live_applications(round_id: int) -> list[Application]:
    return list(
        db.session.scalars(
            select(Application)
            .options(selectinload(Application.choices), selectinload(Application.person))
            .where(
                Application.round_id == round_id,
                Application.status != ApplicationStatus.WITHDRAWN,
            )
            .order_by(Application.id)
        )
    )


def _trained(person_ids: list[int]) -> set[int]:
    if not person_ids:
        return set()
    return set(
        db.session.scalars(
            select(Enrolment.person_id).where(
                Enrolment.person_id.in_(person_ids), Enrolment.status == EnrolmentStatus.COMPLETED
            )
        )
    )


def facts_of(application: Application, person: Person, trained: bool) -> Facts:
    """What the points formula looks at (docs/training.md), for one application."""
    return Facts(
        unemployed=person.employment_status == "unemployed",
        case_start=person.case_start,
        trained_before=trained,
        applied_on=local_today(application.applied_at),
        town=person.town,
    )


def snapshot(training_round: TrainingRound, today: date) -> Snapshot:
    """The round as the engine sees it on `today`: free seats per course, and each live
    application's choices, points (docs/training.md) and own-town bonuses."""
    courses = _round_courses(training_round.id)
    towns = {course.id: course.town for course in courses}
    applications = _live_applications(training_round.id)
    trained = _trained([application.person_id for application in applications])
    applicants = []
    points: dict[str, Any] = {}
    for application in applications:
        person = application.person
        made = priority_points(facts_of(application, person, person.id in trained), today)
        preferences = [choice.course_id for choice in application.choices]
        bonuses = {
            str(course_id): bonus
            for course_id in preferences
            if (bonus := course_bonus(person.town, towns[course_id]))
        }
        applicants.append(
            {
                "id": application.id,
                "preferences": preferences,
                "points": made.total,
                "course_points": bonuses,
                "applied_at": application.applied_at.isoformat(),
            }
        )
        points[str(application.id)] = {**made.as_json(), "bonuses": bonuses}
    problem = {
        "courses": [
            {"id": course.id, "seats": max(0, course.seats - held_seats(course.id))}
            for course in courses
        ],
        "applicants": applicants,
    }
    return Snapshot(problem, points)


def _as_problem(document: Mapping[str, Any]) -> Problem:
    return Problem(
        courses=tuple(SeatCourse(c["id"], c["seats"]) for c in document["courses"]),
        applicants=tuple(
            Applicant(
                id=a["id"],
                preferences=tuple(a["preferences"]),
                points=a["points"],
                applied_at=datetime.fromisoformat(a["applied_at"]),
                course_points={int(k): v for k, v in a["course_points"].items()},
            )
            for a in document["applicants"]
        ),
    )


def _require_whole_round(actor: User, applications: list[Application]) -> None:
    for application in applications:
        if not sees_person_row(actor, application.office_id, application.person.is_minor):
            raise PermissionDenied(OUT_OF_SCOPE)


def _open_round(round_id: int, *, lock: bool = False) -> TrainingRound:
    query = select(TrainingRound).where(TrainingRound.id == round_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    training_round = db.session.scalar(query)
    if training_round is None:
        raise NotFound("No such round.")
    if training_round.status != RoundStatus.OPEN:
        raise Conflict("This round's allocation is published already.")
    return training_round


def run_allocation(
    actor: User, round_id: int, *, now: datetime | None = None, ip: str | None = None
) -> AllocationRun:
    """Run the seat engine over the round as it is now and keep the run as a draft to
    review (managers with scope over every applicant); one transaction."""
    require_manager(actor)
    now = now or utcnow()
    today = local_today(now)
    training_round = _open_round(round_id)
    _require_whole_round(actor, _live_applications(round_id))
    taken = snapshot(training_round, today)
    if not taken.problem["applicants"]:
        raise ValidationFailed("No application to allocate yet.")
    result = solve(_as_problem(taken.problem))
    run = AllocationRun(
        round_id=training_round.id,
        status=RunStatus.DRAFT,
        run_at=now,
        run_by_id=actor.id,
        points_on=today,
        problem=taken.problem,
        result=result.to_json(),
        points=taken.points,
    )
    db.session.add(run)
    db.session.flush()
    audit.record(
        Actor(actor.id, actor.username, ip),
        AuditAction.TRAINING_ALLOCATION_RUN,
        "training_allocation_run",
        run.id,
        round=training_round.id,
        applicants=len(taken.problem["applicants"]),
        admitted=sum(1 for a in result.assignments if a.course_id is not None),
    )
    db.session.commit()
    return run


def get_run(actor: User, run_id: int) -> AllocationRun:
    """A run, for a manager or auditor who sees every application of its round."""
    run = db.session.get(AllocationRun, run_id)
    if run is None:
        raise NotFound("No such allocation run.")
    applications = db.session.scalars(
        select(Application)
        .options(selectinload(Application.person))
        .where(Application.round_id == run.round_id)
    )
    for application in applications:
        if not sees_person_row(actor, application.office_id, application.person.is_minor):
            raise NotFound("No such allocation run.")
    return run


def runs_of(round_id: int) -> list[AllocationRun]:
    return list(
        db.session.scalars(
            select(AllocationRun)
            .where(AllocationRun.round_id == round_id)
            .order_by(AllocationRun.id.desc())
        )
    )


def publish_run(
    actor: User, run_id: int, *, now: datetime | None = None, ip: str | None = None
) -> AllocationRun:
    """Publish a reviewed run: offers for the seats it gave, waitlists in its order, and
    for each applicant a task (and an outbox notice) for their office to tell them.
    Only after every course's application deadline, once per round; one transaction."""
    require_manager(actor)
    now = now or utcnow()
    today = local_today(now)
    found = db.session.get(AllocationRun, run_id)
    if found is None:
        raise NotFound("No such allocation run.")
    training_round = _open_round(found.round_id, lock=True)
    run = db.session.get_one(AllocationRun, run_id, populate_existing=True)
    latest = db.session.scalar(
        select(func.max(AllocationRun.id)).where(AllocationRun.round_id == training_round.id)
    )
    if run.status != RunStatus.DRAFT or run.id != latest:
        raise Conflict("A newer run of this round exists: review and publish that one.")
    courses = {course.id: course for course in _round_courses(training_round.id)}
    for course in courses.values():
        if course.apply_by >= today:
            raise Conflict(
                "Applications to %(course)s are taken until %(date)s: publish after that day.",
                course=course.title,
                date=course.apply_by.isoformat(),
            )
    applications = {a.id: a for a in _live_applications(training_round.id)}
    _require_whole_round(actor, list(applications.values()))
    if snapshot(training_round, run.points_on) != Snapshot(run.problem, run.points):
        raise Conflict("Applications or seats changed since this run: run the allocation again.")
    for course_id in sorted(courses):
        lock_course(course_id)
    training_round.status = RoundStatus.PUBLISHED
    training_round.published_at = now
    training_round.published_by_id = actor.id
    run.status = RunStatus.PUBLISHED
    run.published_at = now
    run.published_by_id = actor.id
    db.session.execute(
        update(AllocationRun)
        .where(AllocationRun.round_id == training_round.id, AllocationRun.id != run.id)
        .values(status=RunStatus.SUPERSEDED)
    )
    db.session.flush()
    who = Actor(actor.id, actor.username, ip)
    for assignment in run.result["assignments"]:
        if assignment["course_id"] is not None:
            make_offer(
                applications[assignment["applicant_id"]],
                courses[assignment["course_id"]],
                assignment["choice"],
                OfferSource.ALLOCATION,
                now,
                who,
                run_id=run.id,
            )
    for course_key, waiting in run.result["waitlists"].items():
        for position, application_id in enumerate(waiting, start=1):
            application = applications[application_id]
            rank = next(c.rank for c in application.choices if c.course_id == int(course_key))
            db.session.add(
                WaitlistEntry(
                    course_id=int(course_key),
                    application_id=application_id,
                    position=position,
                    choice_rank=rank,
                    status=WaitStatus.WAITING,
                    run_id=run.id,
                )
            )
    db.session.flush()
    for application in applications.values():
        refresh_status(application)
        if application.status in (ApplicationStatus.WAITLISTED, ApplicationStatus.UNPLACED):
            notify.tell_waitlisted(application, today)
    audit.record(
        who,
        AuditAction.TRAINING_ALLOCATION_PUBLISH,
        "training_allocation_run",
        run.id,
        round=training_round.id,
    )
    db.session.commit()
    return run


# -- review -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewRow:
    application_id: int
    person: Person
    points: Mapping[str, Any]
    course_title: str | None
    choice: int | None
    reason_code: str
    reason: str  # the engine's Chinese reason, with course names for ids
    passed_over: list[dict[str, Any]]  # the engine's facts, each with its course title


def named_reason(reason: str, titles: Mapping[int, str]) -> str:
    """The engine names courses by id ("第1志愿（课程 7）"): put their titles instead."""

    def title(match: re.Match[str]) -> str:
        course_id = int(match.group(1))
        return f"（{titles.get(course_id, match.group(0))}）"

    return re.sub(r"（课程 (\d+)）", title, reason)


def review(run: AllocationRun) -> list[ReviewRow]:
    """Each applicant of the run: points, what they got and why, with course names."""
    titles = {course.id: course.title for course in _round_courses(run.round_id)}
    people = {
        application.id: application.person
        for application in db.session.scalars(
            select(Application)
            .options(selectinload(Application.person))
            .where(Application.round_id == run.round_id)
        )
    }
    rows = []
    for assignment in run.result["assignments"]:
        course_id = assignment["course_id"]
        rows.append(
            ReviewRow(
                application_id=assignment["applicant_id"],
                person=people[assignment["applicant_id"]],
                points=run.points.get(str(assignment["applicant_id"]), {}),
                course_title=None if course_id is None else titles.get(course_id),
                choice=assignment["choice"],
                reason_code=assignment["reason_code"],
                reason=named_reason(assignment["reason"], titles),
                passed_over=[
                    {**fact, "title": titles.get(fact["course_id"], str(fact["course_id"]))}
                    for fact in assignment["passed_over"]
                ],
            )
        )
    return rows
