"""The demo's training: two finished classes with 32 completions, certificates and some
hired; one course taking applications with more applicants than seats; the `trainer`
account speaks for the partner of all three."""

from __future__ import annotations

from sqlalchemy import func, select

from core.db import db
from core.users import user_by_username
from jobs_bases.partners.services import linked_partner_id
from jobs_bases.training.models import (
    AllocationRun,
    Application,
    Certificate,
    Course,
    Enrolment,
    EnrolmentStatus,
    Outcome,
)
from portal.demo.seed import DEMO_PASSWORD


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def test_the_demo_has_two_finished_classes_and_one_open_course(ctx, web):
    result = ctx.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output

    closed = db.session.scalars(select(Course).where(Course.closed_at.is_not(None))).all()
    assert len(closed) == 2
    completed = select(Enrolment).where(Enrolment.status == EnrolmentStatus.COMPLETED)
    assert _count(completed) == 32
    assert _count(select(Certificate)) == 32
    assert _count(select(Outcome).where(Outcome.employed.is_(True))) > 0
    [taking] = db.session.scalars(select(Course).where(Course.closed_at.is_(None))).all()
    applicants = _count(select(Application).where(Application.round_id == taking.round_id))
    assert applicants > taking.seats
    [run] = db.session.scalars(
        select(AllocationRun).where(AllocationRun.round_id == taking.round_id)
    ).all()
    assert run.result["waitlists"][str(taking.id)]
    trainer = user_by_username("trainer")
    assert trainer is not None
    assert {course.partner_id for course in [*closed, taking]} == {linked_partner_id(trainer)}
    assert trainer.access_until == taking.ends_on

    # The demo accounts open the training pages (the demo password is the demo's).
    certificate = db.session.scalar(select(Certificate.number))
    course_ids = [course.id for course in [*closed, taking]]
    web.post("/login", data={"username": "trainer", "password": DEMO_PASSWORD})
    for url in ["/", "/courses", *(f"/courses/{i}/trainees" for i in course_ids)]:
        assert web.get(url).status_code == 200, url
    web.post("/logout")
    web.post("/login", data={"username": "social-worker", "password": DEMO_PASSWORD})
    for url in ["/", "/courses", "/courses/applications", f"/courses/runs/{run.id}"]:
        assert web.get(url).status_code == 200, url
    assert web.get(f"/c/{certificate}").status_code == 200
