"""The training partner in the browser: the labour bureau's trainer records who came to
a session of its running course."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
from playwright.sync_api import Browser
from sqlalchemy import select

from core.db import db
from core.errors import Conflict, ValidationFailed
from core.people.models import Person, PersonStatus
from core.timeutil import SHANGHAI, local_today
from core.users import Role, User
from jobs_bases.consent.models import SharedField
from jobs_bases.partners.models import TrainingPartner
from jobs_bases.training import allocation, applications, classes, courses, offers
from jobs_bases.training.demo import LABOUR_BUREAU
from jobs_bases.training.models import Enrolment, Offer, OfferStatus
from tests.browser.journey import journey, object_id
from tests.browser.stack import Portal

pytestmark = pytest.mark.browser
TRAINEES = 3


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), SHANGHAI).astimezone(UTC)


def _running_course(portal: Portal) -> tuple[int, int, list[int]]:
    """A course of the labour bureau that began three days ago, with three trainees; the
    course's id, its first session's id, and the enrolments. Its past (applications,
    offers, acceptances) is entered at the moments it happened, through the services."""

    def work() -> tuple[int, int, list[int]]:
        today = local_today()
        starts_on = today - timedelta(days=3)
        apply_by = starts_on - timedelta(days=20)
        admin = db.session.scalars(select(User).where(User.username == "admin")).one()
        partner = db.session.scalars(
            select(TrainingPartner).where(TrainingPartner.name == LABOUR_BUREAU)
        ).one()
        training_round = courses.save_round(admin, None, f"叉车培训 {uuid.uuid4().hex[:8]}")
        course = courses.save_course(
            admin,
            None,
            courses.CourseInput(
                round_id=training_round.id,
                partner_id=partner.id,
                title="叉车司机培训班",
                trade="叉车驾驶",
                seats=TRAINEES,
                starts_on=starts_on,
                ends_on=today + timedelta(days=10),
                location="开平市高级技工学校实训楼",
                town="三埠街道",
                apply_by=apply_by,
            ),
        )
        sessions = [
            courses.add_session(
                admin,
                course.id,
                courses.SessionInput(starts_on + timedelta(days=n), time(9), time(12), "理论"),
            ).id
            for n in range(4)
        ]
        enrolled = set(db.session.scalars(select(Enrolment.person_id)))
        applied = 0
        for person in db.session.scalars(
            select(Person)
            .where(Person.status == PersonStatus.ACTIVE, Person.is_minor.is_(False))
            .order_by(Person.id)
        ):
            if applied == TRAINEES or person.id in enrolled:
                continue
            officer = db.session.scalars(
                select(User).where(
                    User.role == Role.OFFICER, User.scope_unit_id == person.office_id
                )
            ).first()
            try:
                applications.apply(
                    officer or admin,
                    applications.ApplicationInput(person.id, training_round.id, [course.id]),
                    now=_at(apply_by - timedelta(days=5)),
                )
            except (ValidationFailed, Conflict):  # not eligible (age, case dates): the next one
                db.session.rollback()
                continue
            applied += 1
        published = _at(apply_by + timedelta(days=1))
        run = allocation.run_allocation(admin, training_round.id, now=published)
        allocation.publish_run(admin, run.id, now=published)
        enrolments = [
            offers.accept_offer(
                admin, offer.id, [SharedField.NAME], now=published + timedelta(days=1)
            ).id
            for offer in db.session.scalars(
                select(Offer).where(Offer.course_id == course.id, Offer.status == OfferStatus.OPEN)
            ).all()
        ]
        assert len(enrolments) == TRAINEES
        return course.id, sessions[0], enrolments

    return portal.run(work)


def test_the_trainer_records_attendance_of_a_session_in_the_browser(
    chromium: Browser, portal: Portal
) -> None:
    course_id, session_id, enrolments = _running_course(portal)
    absent = enrolments[1]
    with journey(chromium, portal, "trainer") as trip:
        trainer = trip.sign_in("trainer")
        trainer.goto("/courses")
        trainer.locator(f"a[href='/courses/{course_id}']").click()
        assert object_id(trainer, r"/courses/(\d+)$") == course_id
        trip.shot(trainer, "course")
        trainer.locator(f"a[href='/courses/sessions/{session_id}/attendance']").first.click()
        boxes = trainer.locator("form.attendance input[name=present]")
        assert boxes.count() == len(enrolments)
        trainer.uncheck(f"form.attendance input[value='{absent}']")
        trip.shot(trainer, "attendance-form")
        trip.submit(trainer, trainer.locator("form.attendance [type=submit]"))
        trip.flash(trainer)
        # Recorded, the class list counts each trainee's attendance.
        assert object_id(trainer, r"/courses/(\d+)/trainees$") == course_id
        trip.shot(trainer, "attendance-recorded")

    marks = portal.run(lambda: classes.marks_of(session_id))
    assert marks == {e: e != absent for e in enrolments}
