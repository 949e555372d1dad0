"""The training pages: a partner sees only its own courses (everything else answers 404),
officers only their own people, bad input gets a clear message and saves nothing, and
every page renders for each role that opens it."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import Connection

from core.db import db
from core.orgs import OrgUnit
from core.users import Role
from jobs_bases.consent.models import SharedField
from jobs_bases.training import classes, offers
from jobs_bases.training.models import Application, Course, Enrolment, TrainingRound
from tests.factories import make_unit, make_user, user
from tests.jobs_bases.factories import make_partner, make_partner_user
from tests.jobs_bases.training_factories import (
    TODAY,
    Desk,
    add_sessions,
    at,
    make_course,
    make_desk,
    make_round,
    offer_of,
    publish,
)
from tests.pages import english, html, login

AFTER_DEADLINE = at(TODAY + timedelta(days=11))


@pytest.fixture()
def world(ctx):
    """Two partners, each with a course whose one trainee enrolled with name consent."""
    desk = make_desk()
    training_round = make_round(desk.admin)
    mine, theirs = make_partner(), make_partner()
    course = make_course(training_round, mine, admin=desk.admin, title="电工培训班")
    other = make_course(training_round, theirs, admin=desk.admin, title="茶艺培训班")
    sessions = add_sessions(course, 2, desk.admin) + add_sessions(other, 2, desk.admin)
    application = desk.apply(desk.person(name="王小明"), [course])
    foreign = desk.apply(desk.person(name="陈大文"), [other])
    run_id = publish(desk.admin, training_round.id, AFTER_DEADLINE)
    enrolment = offers.accept_offer(
        desk.officer, offer_of(application, course.id).id, [SharedField.NAME], now=AFTER_DEADLINE
    )
    other_enrolment = offers.accept_offer(
        desk.officer, offer_of(foreign, other.id).id, [SharedField.NAME], now=AFTER_DEADLINE
    )
    return {
        "desk": desk,
        "partner_user": make_partner_user(mine).username,
        "round": training_round.id,
        "run": run_id,
        "course": course.id,
        "other": other.id,
        "sessions": [s.id for s in sessions],
        "application": application,
        "enrolment": enrolment.id,
        "other_enrolment": other_enrolment.id,
        "offer": offer_of(application, course.id).id,
    }


def test_a_partner_sees_its_own_course_and_trainees(web, world):
    login(web, world["partner_user"])

    courses_page = html(web.get("/courses"))
    assert "电工培训班" in courses_page and "茶艺培训班" not in courses_page
    assert web.get(f"/courses/{world['course']}").status_code == 200
    trainees = web.get(f"/courses/{world['course']}/trainees")
    assert trainees.status_code == 200 and "王小明" in html(trainees)
    assert web.get(f"/courses/trainees/{world['enrolment']}").status_code == 200
    assert web.get(f"/courses/sessions/{world['sessions'][0]}/attendance").status_code == 200


def test_a_partner_gets_404_on_everything_else(web, world):
    login(web, world["partner_user"])
    other, sessions = world["other"], world["sessions"]

    for url in (
        f"/courses/{other}",
        f"/courses/{other}/trainees",
        f"/courses/trainees/{world['other_enrolment']}",
        f"/courses/sessions/{sessions[2]}/attendance",
        "/courses/applications",
        f"/courses/applications/{world['application']}",
        "/courses/applications/new",
        "/courses/rounds",
        f"/courses/rounds/{world['round']}",
        f"/courses/runs/{world['run']}",
        "/courses/new",
        f"/courses/{world['course']}/edit",
        f"/courses/enrolments/{world['enrolment']}/certificate.png",
        "/persons",
        f"/persons/{db.session.get_one(Enrolment, world['enrolment']).person_id}",
    ):
        assert web.get(url).status_code == 404, url
    for url in (
        f"/courses/offers/{world['offer']}/accept",
        f"/courses/applications/{world['application']}/withdraw",
        f"/courses/{other}/close",
        f"/courses/sessions/{sessions[2]}/attendance",
        f"/courses/trainees/{world['other_enrolment']}/exam",
        f"/courses/{other}/sessions",
        f"/courses/rounds/{world['round']}/runs",
    ):
        assert web.post(url, data={"passed": "yes"}).status_code == 404, url


def test_the_partner_never_sees_the_kind_of_person_or_the_office_note(web, world):
    db.session.get_one(Application, world["application"]).note = "曾因盗窃入狱，需关注"
    db.session.commit()
    login(web, world["partner_user"])
    english(web)

    for url in (
        f"/courses/{world['course']}/trainees",
        f"/courses/trainees/{world['enrolment']}",
        f"/courses/sessions/{world['sessions'][0]}/attendance",
        "/",
    ):
        page = html(web.get(url))
        for hidden in ("盗窃", "correction", "Correction", "矫正", "resettlement", "probation"):
            assert hidden not in page, (url, hidden)


def test_an_officer_of_another_office_gets_404(web, world):
    stranger = make_user(Role.OFFICER, make_unit(town="水口镇"))
    login(web, stranger.username)

    assert web.get(f"/courses/applications/{world['application']}").status_code == 404
    assert web.post(f"/courses/offers/{world['offer']}/accept").status_code == 404
    assert "王*明" not in html(web.get("/courses/applications"))


def test_staff_pages_render(web, world):
    login(web, world["desk"].admin.username)

    for url in (
        "/courses",
        "/courses?town=赤坎镇",
        f"/courses/{world['course']}",
        f"/courses/{world['course']}/edit",
        "/courses/new",
        "/courses/rounds",
        f"/courses/rounds/{world['round']}",
        f"/courses/runs/{world['run']}",
        "/courses/applications",
        "/courses/applications?status=enrolled&town=赤坎镇",
        f"/courses/applications/{world['application']}",
        "/courses/applications/new",
        f"/courses/{world['course']}/trainees",
        f"/courses/trainees/{world['enrolment']}",
        "/",
    ):
        assert web.get(url).status_code == 200, url
    assert web.get("/courses?cursor=garbage").status_code == 400


def test_an_application_after_the_deadline_shows_why_and_saves_nothing(web, ctx):
    desk = make_desk()
    training_round = make_round(desk.admin)
    closed = make_course(training_round, admin=desk.admin, apply_by=TODAY - timedelta(days=1))
    form = {"person_id": desk.person().id, "round_id": training_round.id, "choice_1": closed.id}
    login(web, desk.officer.username)
    english(web)

    response = web.post("/courses/applications/new", data=form)

    assert response.status_code == 200
    assert "applications closed on" in html(response)
    assert db.session.scalar(select(func.count()).select_from(Application)) == 0


def test_attendance_for_a_future_session_is_refused_on_the_page(web, world):
    login(web, world["partner_user"])
    english(web)
    future = world["sessions"][0]

    response = web.post(
        f"/courses/sessions/{future}/attendance",
        data={"present": str(world["enrolment"])},
        follow_redirects=True,
    )

    assert response.status_code == 200
    assert "attendance is recorded once it has taken place" in html(response)
    assert classes.marks_of(future) == {}


def test_an_expired_offer_is_refused_on_the_page(web, ctx):
    desk = make_desk()
    training_round = make_round(desk.admin)
    course = make_course(training_round, admin=desk.admin, apply_by=TODAY - timedelta(days=25))
    application = desk.apply(desk.person(), [course], now=at(TODAY - timedelta(days=30)))
    publish(desk.admin, training_round.id, at(TODAY - timedelta(days=20)))
    offer_id = offer_of(application, course.id).id
    login(web, desk.officer.username)
    english(web)

    response = web.post(f"/courses/offers/{offer_id}/accept", follow_redirects=True)

    assert "it can no longer be accepted" in html(response)
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 0


def _statements(connection: Connection, request: Callable[[], object]) -> int:
    executed: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _executemany) -> None:
        executed.append(statement)

    event.listen(connection, "before_cursor_execute", record)
    try:
        request()
    finally:
        event.remove(connection, "before_cursor_execute", record)
    # The harness's savepoint bookkeeping is not the page's.
    return sum(
        1
        for statement in executed
        if not statement.lstrip().startswith(("SAVEPOINT", "ROLLBACK", "RELEASE"))
    )


@pytest.mark.parametrize(
    ("url", "rows"),
    [
        ("/courses", re.compile(r'href="/courses/\d+"')),
        ("/courses/applications", re.compile(r'href="/courses/applications/\d+"')),
        ("/", re.compile(r'id="training-funnel"')),
    ],
)
def test_list_pages_run_as_many_queries_whatever_the_rows(web, ctx, connection, url, rows):
    first = make_desk()
    office_id, officer_id, admin_id = first.office.id, first.officer.id, first.admin.id
    round_id, username = make_round(first.admin).id, first.officer.username

    def add(n: int) -> None:
        # By id: what was loaded before a page request is detached after it.
        desk = Desk(db.session.get_one(OrgUnit, office_id), user(officer_id), user(admin_id))
        training_round = db.session.get_one(TrainingRound, round_id)
        for _ in range(n):
            desk.apply(desk.person(), [make_course(training_round, admin=desk.admin)])

    add(2)
    login(web, username)
    web.get(url)  # warm up: first-request work (caches, catalogues) is not the page's
    small = _statements(connection, lambda: web.get(url))
    small_rows = len(rows.findall(html(web.get(url))))
    add(6)
    large = _statements(connection, lambda: web.get(url))
    large_rows = len(rows.findall(html(web.get(url))))

    assert large == small
    assert large_rows == small_rows if url == "/" else large_rows > small_rows


def test_bad_input_on_the_forms_gets_a_message_never_a_500(web, world):
    course_count = db.session.scalar(select(func.count()).select_from(Course))
    login(web, world["desk"].admin.username)
    english(web)
    course = world["course"]

    revealing = web.post(
        "/courses/new",
        data={
            "round_id": world["round"],
            "partner_id": db.session.get_one(Course, course).partner_id,
            "title": "社区矫正人员电工班",
            "trade": "电工",
            "seats": "10",
            "starts_on": "2027-03-01",
            "ends_on": "2027-03-10",
            "apply_by": "2027-02-01",
            "location": "某地",
            "town": "赤坎镇",
            "eligible_kinds": ["correction"],
            "certificate_type": "培训合格证书",
            "min_attendance_pct": "80",
        },
    )
    assert revealing.status_code == 200 and "leave out" in html(revealing)
    garbage = web.post(
        "/courses/new",
        data={"seats": "many", "starts_on": "2027-02-30", "eligible_kinds": ["nobody"]},
    )
    assert garbage.status_code == 200
    for url, data in (
        (f"/courses/{course}/sessions", {"on_date": "someday", "start_time": "25:00"}),
        (
            f"/courses/{course}/sessions",
            {"on_date": "2099-01-01", "start_time": "09:00", "end_time": "08:00"},
        ),
        ("/courses/applications/new", {"person_id": "abc", "round_id": "", "choice_1": "x"}),
        (
            f"/courses/enrolments/{world['enrolment']}/outcomes",
            {"months": "9", "employed": "maybe"},
        ),
        (f"/courses/trainees/{world['enrolment']}/exam", {"passed": "perhaps"}),
        (
            f"/courses/sessions/{world['sessions'][0]}/attendance",
            {"present": ["abc", "99999999999"]},
        ),
        (f"/courses/offers/{world['offer']}/accept", {}),
        ("/courses/offers/2147483647/accept", {}),
        ("/courses/rounds", {"name": ""}),
    ):
        response = web.post(url, data=data)
        assert response.status_code < 500, (url, response.status_code)
    assert db.session.scalar(select(func.count()).select_from(Course)) == course_count


def test_refusals_read_in_chinese(web, ctx):
    desk = make_desk()
    training_round = make_round(desk.admin)
    closed = make_course(
        training_round, admin=desk.admin, title="电工班", apply_by=TODAY - timedelta(days=1)
    )
    form = {"person_id": desk.person().id, "round_id": training_round.id, "choice_1": closed.id}
    login(web, desk.officer.username)

    page = html(web.post("/courses/applications/new", data=form))

    day = (TODAY - timedelta(days=1)).isoformat()
    assert f"第1志愿（电工班）：报名已于 {day} 截止。" in page
