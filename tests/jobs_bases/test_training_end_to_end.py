"""One person's way through training, on the pages where staff and the partner do it:
application -> allocation -> offer -> acceptance -> attendance -> completion ->
certificate -> employment outcome. The clock moves between steps (services take `now`;
pages use the real clock, so the dates are set around today where a page acts)."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from core.audit_actions import AuditAction
from core.db import db
from core.tasks.models import Task, TaskStatus
from jobs_bases.training import allocation, classes, courses, outcomes
from jobs_bases.training.models import (
    Application,
    ApplicationStatus,
    Certificate,
    Enrolment,
    EnrolmentStatus,
    Offer,
    OfferStatus,
    Outcome,
)
from jobs_bases.training.outcomes import months_after
from tests.factories import audit_events, fresh, user
from tests.jobs_bases.factories import make_partner, make_partner_user
from tests.jobs_bases.training_factories import TODAY, at, make_course, make_desk, make_round
from tests.pages import english, html, login
from tests.portal.test_web_harness import new_client


def test_application_to_employment(web, app, ctx):
    desk = make_desk()
    partner = make_partner("开平市人力资源和社会保障局")
    partner_account = make_partner_user(partner)
    partner_user, partner_id = partner_account.username, partner_account.id
    officer, admin = desk.officer.username, desk.admin.username
    officer_id, admin_id = desk.officer.id, desk.admin.id
    training_round = make_round(desk.admin)
    # Applications close today (the office applies on the page); the course runs on the
    # fifth and sixth days from now.
    course = make_course(
        training_round,
        partner,
        admin=desk.admin,
        title="电子商务培训班",
        apply_by=TODAY,
        starts_on=TODAY + timedelta(days=5),
        ends_on=TODAY + timedelta(days=6),
        seats=1,
    )
    person_id = desk.person(name="王小明", employment_status="unemployed").id
    round_id, course_id = training_round.id, course.id

    # 1. The officer enters the application on the page.
    login(web, officer)
    english(web)
    response = web.post(
        "/courses/applications/new",
        data={"person_id": person_id, "round_id": round_id, "choice_1": course_id},
    )
    assert response.status_code == 302, html(response)
    application_id = db.session.scalar(select(Application.id))
    assert application_id is not None

    # 2. The admin runs the allocation and reviews it; publishes the day after the deadline.
    staff = new_client(app)
    login(staff, admin)
    english(staff)
    assert staff.post(f"/courses/rounds/{round_id}/runs").status_code == 302
    run_id = allocation.runs_of(round_id)[0].id
    review = html(staff.get(f"/courses/runs/{run_id}"))
    assert "录取第1志愿（电子商务培训班）。" in review
    allocation.publish_run(user(admin_id), run_id, now=at(TODAY + timedelta(days=1)))
    offer = db.session.scalar(select(Offer))
    assert offer is not None and offer.status == OfferStatus.OPEN
    task = db.session.scalar(select(Task).where(Task.kind == "training_offer"))
    assert task is not None and task.link == f"/courses/applications/{application_id}"
    task_id, offer_id = task.id, offer.id

    # 3. The person says yes to their officer, who records it with the consent.
    page = html(web.get(f"/courses/applications/{application_id}"))
    assert "Record acceptance" in page
    response = web.post(
        f"/courses/offers/{offer_id}/accept", data={"share_name": "y", "share_phone": ""}
    )
    assert response.status_code == 302
    enrolment = db.session.scalar(select(Enrolment))
    assert enrolment is not None and enrolment.status == EnrolmentStatus.ENROLLED
    enrolment_id = enrolment.id
    assert fresh(Application, application_id).status == ApplicationStatus.ENROLLED
    assert fresh(Task, task_id).status == TaskStatus.DONE

    # 4. The partner records attendance of each session once it has taken place, and the
    # exam; the partner sees the name (consented) but no phone.
    partner_client = new_client(app)
    login(partner_client, partner_user)
    english(partner_client)
    trainees = html(partner_client.get(f"/courses/{course_id}/trainees"))
    assert "王小明" in trainees and "13812345678" not in trainees
    trainer = user(partner_id)
    sessions = [
        courses.add_session(trainer, course_id, courses.SessionInput(day, time(9), time(12)))
        for day in (TODAY + timedelta(days=5), TODAY + timedelta(days=6))
    ]
    for session in sessions:
        classes.record_attendance(trainer, session.id, [enrolment_id], now=at(session.on_date, 12))
    classes.record_exam(trainer, enrolment_id, True, now=at(TODAY + timedelta(days=6), 15))

    # 5. Completion on the last day: the rule is met and a certificate issued.
    classes.close_course(trainer, course_id, now=at(TODAY + timedelta(days=6), 17))
    enrolment = fresh(Enrolment, enrolment_id)
    assert enrolment.status == EnrolmentStatus.COMPLETED
    assert enrolment.completion_reason == "出勤率 100%（2/2 次课），考核合格，准予结业。"
    number = db.session.scalar(select(Certificate.number))
    assert number is not None

    # 6. The certificate: the officer prints it; an employer checks it in public.
    png = web.get(f"/courses/enrolments/{enrolment.id}/certificate.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    public = html(new_client(app).get(f"/c/{number}"))
    assert (
        "王*明" in public and "电子商务培训班" in public and "开平市人力资源和社会保障局" in public
    )

    # 7. Three months after the course, the office is asked whether the person works,
    # and records it on the application's page.
    due = months_after(TODAY + timedelta(days=6), 3)
    assert outcomes.open_outcome_tasks(due) == 1
    follow_up = db.session.scalar(select(Task).where(Task.kind == "training_outcome"))
    assert follow_up is not None and follow_up.due_on == due
    recorded = outcomes.record_outcome(
        user(officer_id), enrolment.id, 3, True, "电商公司客服", now=at(due)
    )
    assert recorded.employed
    assert fresh(Task, follow_up.id).status == TaskStatus.DONE
    assert db.session.scalar(select(Outcome.months)) == 3
    assert audit_events(AuditAction.TRAINING_OUTCOME_RECORD, enrolment.id)
