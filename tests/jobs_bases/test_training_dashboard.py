"""What training adds to the dashboard, through the wing registry: counts and a table
per office (seats open, pending applications, applied -> enrolled -> completed ->
employed) for staff within their scope, and a partner's home (courses, today's
sessions)."""

from __future__ import annotations

from datetime import time, timedelta

from core.users import Role
from jobs_bases.training import courses, dashboard, offers
from tests.factories import make_unit, make_user
from tests.jobs_bases.factories import make_partner, make_partner_user
from tests.jobs_bases.training_factories import (
    TODAY,
    at,
    make_course,
    make_desk,
    make_round,
    offer_of,
    publish,
)
from tests.pages import english, html, login

AFTER_DEADLINE = at(TODAY + timedelta(days=11))


def test_the_funnel_per_office_counts_within_scope(ctx):
    desk = make_desk()
    elsewhere = make_unit(town="水口镇")
    training_round = make_round(desk.admin)
    course = make_course(training_round, admin=desk.admin, seats=3)
    applied = [desk.apply(desk.person(), [course]) for _ in range(2)]

    before = {row.office_id: row for row in dashboard.office_rows(desk.admin)}
    assert before[desk.office.id].pending == 2 and before[desk.office.id].applied == 2
    assert before[desk.office.id].seats_open == 3  # the course is in the office's town
    assert before[elsewhere.id].applied == 0

    publish(desk.admin, training_round.id, AFTER_DEADLINE)
    offers.accept_offer(desk.officer, offer_of(applied[0], course.id).id, now=AFTER_DEADLINE)
    row = next(r for r in dashboard.office_rows(desk.officer) if r.office_id == desk.office.id)

    assert (row.applied, row.enrolled, row.pending, row.seats_open) == (2, 1, 1, 1)
    assert dashboard.pending_applications(desk.officer) == 1
    stranger = make_user(Role.OFFICER, elsewhere)
    assert [r.office_id for r in dashboard.office_rows(stranger)] == [elsewhere.id]
    assert dashboard.pending_applications(stranger) == 0


def test_staff_see_the_training_table_on_the_dashboard(web, ctx):
    desk = make_desk()
    course = make_course(make_round(desk.admin), admin=desk.admin)
    desk.apply(desk.person(), [course])
    login(web, desk.officer.username)
    english(web)

    page = html(web.get("/"))

    assert 'id="training-funnel"' in page and "Training applications pending" in page


def test_a_partners_home_lists_its_courses_and_todays_sessions(web, ctx):
    admin = make_desk().admin
    partner = make_partner()
    running = make_course(
        make_round(admin),
        partner,
        admin=admin,
        title="茶艺培训班",
        apply_by=TODAY - timedelta(days=5),
        starts_on=TODAY - timedelta(days=1),
        ends_on=TODAY + timedelta(days=3),
    )
    courses.add_session(admin, running.id, courses.SessionInput(TODAY, time(14), time(17), "冲泡"))
    make_course(make_round(admin), make_partner(), admin=admin, title="焊工培训班")
    account = make_partner_user(partner).username
    login(web, account)
    english(web)

    page = html(web.get("/"))

    assert 'id="partner-home"' in page and "茶艺培训班" in page and "14:00" in page
    assert "焊工培训班" not in page and 'id="training-funnel"' not in page
    assert "Record attendance" in page


def test_training_pages_carry_their_phone_width_stylesheet(web, ctx):
    login(web, make_desk().admin.username)

    page = html(web.get("/courses"))

    assert "/courses/static/training.css" in page and 'class="data stack"' in page
    stylesheet = web.get("/courses/static/training.css")
    assert stylesheet.status_code == 200 and b"max-width: 640px" in stylesheet.data
    stylesheet.close()
