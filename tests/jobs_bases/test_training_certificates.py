"""Certificates: unguessable numbers, the sheet as PNG and PDF for staff who may print the
name, and the public check by number: masked name, course, partner and date, never an
office, the centre or anything about corrections; throttled per address; audited."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from core.audit_actions import AuditAction
from core.db import db
from core.users import Role
from jobs_bases.consent.models import SharedField
from jobs_bases.training import certificates, classes, offers
from jobs_bases.training.models import Certificate
from tests.factories import audit_events, make_unit, make_user
from tests.jobs_bases.factories import make_partner, make_partner_user
from tests.jobs_bases.training_factories import (
    TODAY,
    add_sessions,
    at,
    make_course,
    make_desk,
    make_round,
    offer_of,
    publish,
)
from tests.pages import english, html

AFTER_DEADLINE = at(TODAY + timedelta(days=11))
NUMBER = re.compile(r"^T\d{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


@pytest.fixture()
def certified(ctx):
    """A closed course with two trainees who completed; ids and words to look for."""
    desk = make_desk()
    partner = make_partner("开平市高级技工学校")
    training_round = make_round(desk.admin)
    course = make_course(training_round, partner, admin=desk.admin, title="家政服务培训班", seats=2)
    sessions = add_sessions(course, 2, desk.admin)
    ids = [desk.apply(desk.person(name=name), [course]) for name in ("王小明", "陈大文")]
    publish(desk.admin, training_round.id, AFTER_DEADLINE)
    enrolments = [
        offers.accept_offer(
            desk.officer, offer_of(i, course.id).id, [SharedField.NAME], now=AFTER_DEADLINE
        ).id
        for i in ids
    ]
    partner_user = make_partner_user(partner)
    for session in sessions:
        classes.record_attendance(partner_user, session.id, enrolments, now=at(session.on_date, 12))
    for enrolment in enrolments:
        classes.record_exam(partner_user, enrolment, True, now=at(course.ends_on))
    classes.close_course(partner_user, course.id, now=at(course.ends_on, 17))
    numbers = [
        db.session.scalar(select(Certificate.number).where(Certificate.enrolment_id == e))
        for e in enrolments
    ]
    return desk, course, enrolments, numbers


def test_numbers_are_random_and_readable(certified):
    _desk, course, _enrolments, numbers = certified

    assert all(NUMBER.match(n) for n in numbers)
    assert numbers[0] != numbers[1]
    assert numbers[0].startswith(f"T{course.ends_on.year}-")
    drawn = {certificates.new_number(2026) for _ in range(200)}
    assert len(drawn) == 200


def test_staff_print_the_certificate_as_png_and_pdf(certified):
    desk, _course, enrolments, _numbers = certified

    text, png = certificates.download_certificate(desk.officer, enrolments[0], "png")
    _text, pdf = certificates.download_certificate(desk.officer, enrolments[0], "pdf")

    assert Image.open(io.BytesIO(png)).size == (1200, 850)
    assert pdf.startswith(b"%PDF")
    lines = certificates.certificate_lines(text)
    assert "王小明" in lines[0] and "家政服务培训班" in "".join(lines)
    assert not any(word in "".join(lines) for word in ("矫正", "司法", "帮教", "刑"))
    assert len(audit_events(AuditAction.TRAINING_CERTIFICATE_DOWNLOAD)) == 2


def test_a_partner_and_other_offices_cannot_print_it(certified):
    _desk, course, enrolments, _numbers = certified
    from core.errors import NotFound

    for stranger in (make_partner_user(course.partner), make_user(Role.OFFICER, make_unit())):
        with pytest.raises(NotFound):
            certificates.download_certificate(stranger, enrolments[0], "png")


def test_the_public_check_shows_the_masked_name_course_partner_and_date(web, certified):
    desk, _course, _enrolments, numbers = certified
    office_name = desk.office.name
    english(web)

    page = html(web.get(f"/c/{numbers[0]}"))
    typed = html(web.get(f"/certificates/check?number={numbers[0].lower()}"))

    for shown in (page, typed):
        assert "王*明" in shown and "家政服务培训班" in shown
        assert "开平市高级技工学校" in shown and str(TODAY + timedelta(days=40)) in shown
        for hidden in (
            "王小明",
            "13812345678",
            office_name,
            "司法",
            "矫正",
            "帮教",
            "correction",
            "resettlement",
            "probation",
            "centre",
        ):
            assert hidden not in shown, hidden
    checks = audit_events(AuditAction.TRAINING_CERTIFICATE_CHECK)
    assert len(checks) == 2 and all(c.detail == {"found": True} for c in checks)
    assert checks[0].actor_id is None and checks[0].ip


def test_an_unknown_number_says_so_and_is_audited(web, certified):
    english(web)

    response = web.get("/certificates/check?number=T2026-AAAA-BBBB-CCCC")

    assert response.status_code == 200 and 'id="not-found"' in html(response)
    assert audit_events(AuditAction.TRAINING_CERTIFICATE_CHECK)[-1].detail == {"found": False}
    assert web.get("/certificates/check").status_code == 200  # the empty form


def test_the_public_check_is_throttled_per_address(web, app, certified, monkeypatch):
    monkeypatch.setitem(app.config, "TRAINING_CHECKS_PER_WINDOW", 3)

    answers = [
        web.get(f"/certificates/check?number=T2026-AAAA-BBBB-{i:04d}").status_code for i in range(5)
    ]

    assert answers == [200, 200, 200, 429, 429]
    assert len(audit_events(AuditAction.TRAINING_CERTIFICATE_CHECK)) == 3
