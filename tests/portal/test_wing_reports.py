"""The training and volunteer wings' sections of `/reports`: the training funnel, base hours
per town and volunteer hours per programme. Each chart draws what its table shows; casework
staff see exact figures, coordinators and partners never a figure of one or two people;
every section exports to CSV and XLSX, stamped and audited."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from core.audit_actions import AuditAction
from core.db import db, utcnow
from core.people.models import Person
from core.timeutil import local_today
from core.users import Role, User
from jobs_bases.bases.hours import approve_session
from jobs_bases.jobs.models import ReferralStatus
from jobs_bases.training.models import (
    Application,
    ApplicationChoice,
    Enrolment,
    Offer,
    Outcome,
)
from tests.factories import TOWN_A, TOWN_B, audit_events, make_office, make_person_in, make_staff
from tests.jobs_bases.factories import (
    log,
    make_base_row,
    make_opening,
    make_partner,
    make_partner_user,
    place,
    refer,
)
from tests.jobs_bases.training_factories import make_course, make_round
from tests.pages import html, login
from tests.portal import test_web_harness as harness
from tests.portal.test_reports import check_chart_matches_table, sections_on
from tests.reports_support import tables
from tests.volunteers.factories import (
    make_activity,
    make_approved_volunteer,
    make_coordinator,
    make_programme,
)
from volunteers.programmes.catalogue import ShiftInput, add_shift
from volunteers.programmes.models import HoursEntry, HoursStatus, Signup

web = harness.web


def _body(page: str, key: str) -> dict[str, list[str]]:
    rows = tables(page)[f"table-{key}"]
    return {row[0]: row[1:] for row in rows[1:]}


# -- the training funnel -----------------------------------------------------------------------


def _funnel(enrolled: int, completed: int, employed_by_outcome: int, employed_by_job: int):
    """Five people of one office apply for one course; so many enrol, complete and find
    work (at a follow-up, or through a referral)."""
    office = make_office(TOWN_A)
    partner = make_partner()
    training_round = make_round()
    course = make_course(training_round, partner)
    # A course that has run: the referral's hiring below came after its first day.
    course.apply_by = local_today() - timedelta(days=70)
    course.starts_on = local_today() - timedelta(days=60)
    course.ends_on = local_today() - timedelta(days=30)
    people = [make_person_in(office) for _ in range(5)]
    opening = make_opening()
    for n, person_id in enumerate(people):
        application = Application(
            round_id=training_round.id,
            person_id=person_id,
            office_id=office.unit_id,
            applied_at=utcnow() - timedelta(days=1),  # the day the base sessions are logged
        )
        db.session.add(application)
        db.session.flush()
        db.session.add(
            ApplicationChoice(application_id=application.id, rank=1, course_id=course.id)
        )
        if n >= enrolled:
            continue
        offer = Offer(
            application_id=application.id,
            course_id=course.id,
            person_id=person_id,
            office_id=office.unit_id,
            choice_rank=1,
            source="allocation",
            status="accepted",
            expires_at=utcnow(),
        )
        db.session.add(offer)
        db.session.flush()
        enrolment = Enrolment(
            offer_id=offer.id,
            course_id=course.id,
            application_id=application.id,
            person_id=person_id,
            office_id=office.unit_id,
            status="completed" if n < completed else "enrolled",
        )
        db.session.add(enrolment)
        db.session.flush()
        if n < employed_by_outcome:
            db.session.add(Outcome(enrolment_id=enrolment.id, months=3, employed=True))
        elif n < employed_by_outcome + employed_by_job:
            referral = refer(office.author, db.session.get_one(Person, person_id), opening)
            referral.status = ReferralStatus.HIRED
            referral.hired_on = local_today() - timedelta(days=5)
    db.session.commit()
    return office, partner


def test_the_funnel_counts_each_step_exactly_for_casework(web, ctx):
    office, _partner = _funnel(enrolled=4, completed=3, employed_by_outcome=1, employed_by_job=1)
    login(web, office.author.username)

    page = html(web.get("/reports"))

    assert "training-funnel" in sections_on(page) and "base-hours" in sections_on(page)
    rows = _body(page, "training-funnel")
    assert [r[0] for r in rows.values()] == ["5", "4", "3", "2"]
    assert [r[1] for r in rows.values()] == ["100.0%", "80.0%", "60.0%", "40.0%"]
    assert check_chart_matches_table(web, "training-funnel") == 4


@pytest.mark.parametrize("viewer", ["coordinator", "partner"])
def test_the_funnel_hides_a_step_of_one_or_two_people_outside_casework(web, ctx, viewer):
    _office, partner = _funnel(enrolled=4, completed=3, employed_by_outcome=1, employed_by_job=1)
    user = make_staff(Role.COORDINATOR) if viewer == "coordinator" else make_partner_user(partner)
    login(web, user.username)

    page = html(web.get("/reports/training-funnel"))

    rows = _body(page, "training-funnel")
    assert [r[0] for r in rows.values()] == ["5", "4", "3", "—"]
    assert "人数少于 3 人的环节不予显示" in page
    assert check_chart_matches_table(web, "training-funnel") == 3


def test_a_partner_sees_the_funnel_of_its_own_courses_only(web, ctx):
    _funnel(enrolled=4, completed=3, employed_by_outcome=3, employed_by_job=0)
    login(web, make_partner_user(make_partner()).username)

    page = html(web.get("/reports"))

    assert sections_on(page) == ["training-funnel"]
    assert [r[0] for r in _body(page, "training-funnel").values()] == ["0", "0", "0", "0"]
    assert web.get("/reports/base-hours").status_code == 404
    assert web.get("/reports/fairness/export?format=csv").status_code == 404


# -- base hours per town -----------------------------------------------------------------------


def _base_hours(people: dict[str, int]) -> User:
    """Per town, a base where that many people each worked one approved session of 2.5
    hours; answers an admin."""
    admin = make_staff(Role.ADMIN)
    for town, n in people.items():
        office = make_office(town)
        base = make_base_row(town=town, capacity=10)
        for _ in range(n):
            person = db.session.get_one(Person, make_person_in(office))
            session = log(office.author, place(office.author, person, base))
            approve_session(admin, session.id)
    db.session.commit()
    return admin


def test_base_hours_per_town_exact_for_admins_merged_for_coordinators(web, ctx):
    admin = _base_hours({TOWN_A: 3, TOWN_B: 1, "水口镇": 4})
    login(web, admin.username)

    rows = _body(html(web.get("/reports/base-hours")), "base-hours")

    assert rows[TOWN_A] == ["7.5", "3", "3"] and rows[TOWN_B] == ["2.5", "1", "1"]
    assert rows["合计"] == ["20.0", "8", "8"]
    assert check_chart_matches_table(web, "base-hours") == 3

    coordinator = harness.new_client(web.application)
    login(coordinator, make_staff(Role.COORDINATOR).username)
    merged = _body(html(coordinator.get("/reports/base-hours")), "base-hours")
    # Merged towns' people are not added up (one person may work in two towns): the
    # merged cell counts as many as its largest member.
    assert TOWN_B not in merged and merged["其他镇街"] == ["10.0", "3", "4"]
    assert all(row[1] not in ("1", "2") for row in merged.values())
    assert merged["合计"] == ["20.0", "8", "8"]
    assert check_chart_matches_table(coordinator, "base-hours") == 2


# -- volunteer hours per programme -------------------------------------------------------------


def _volunteer_hours(volunteers: dict[str, int], days_ago: int = 7) -> User:
    """Per programme (by name), that many volunteers each served a 3-hour shift `days_ago`
    days ago, approved; answers the coordinator of every programme."""
    coordinator = make_coordinator()
    start = utcnow() + timedelta(days=1)
    for name, n in volunteers.items():
        programme_id = make_programme(coordinator, name)
        activity_id = make_activity(coordinator, programme_id, needs_vetting=False)
        shift = add_shift(
            coordinator,
            activity_id,
            ShiftInput(
                starts_at=start,
                ends_at=start + timedelta(hours=3),
                place="开平市司法局三楼",
                capacity=10,
                town="三埠街道",
            ),
        )
        # Served last week (a new shift must start in the future).
        shift.starts_at -= timedelta(days=days_ago + 1)
        shift.ends_at -= timedelta(days=days_ago + 1)
        for _ in range(n):
            volunteer = make_approved_volunteer()
            signup = Signup(shift_id=shift.id, volunteer_id=volunteer.id, status="confirmed")
            db.session.add(signup)
            db.session.flush()
            db.session.add(
                HoursEntry(
                    signup_id=signup.id,
                    volunteer_id=volunteer.id,
                    shift_id=shift.id,
                    minutes=180,
                    status=HoursStatus.APPROVED,
                )
            )
    db.session.commit()
    return coordinator


def test_volunteer_hours_per_programme(web, ctx):
    coordinator = _volunteer_hours({"黄丝带帮教": 3, "法律六进": 1, "社区矫正开放日": 4}).username
    login(web, make_staff(Role.ADMIN).username)

    rows = _body(html(web.get("/reports/volunteer-hours")), "volunteer-hours")

    assert rows["法律六进"] == ["3.0", "1", "1"] and rows["黄丝带帮教"] == ["9.0", "3", "1"]
    assert rows["合计"] == ["24.0", "8", "3"]
    assert check_chart_matches_table(web, "volunteer-hours") == 3

    own = harness.new_client(web.application)
    login(own, coordinator)
    merged = _body(html(own.get("/reports/volunteer-hours")), "volunteer-hours")
    assert "法律六进" not in merged and merged["其他项目"] == ["12.0", "3", "2"]
    assert all(row[1] not in ("1", "2") for row in merged.values())
    assert check_chart_matches_table(own, "volunteer-hours") == 2

    stranger = harness.new_client(web.application)
    login(stranger, make_coordinator().username)
    alone = html(stranger.get("/reports/volunteer-hours"))
    assert "黄丝带帮教" not in alone and "其他项目" not in alone


# -- exports -------------------------------------------------------------------------------------


def test_every_section_exports_as_its_table_reads_stamped_and_audited(web, ctx):
    _funnel(enrolled=4, completed=3, employed_by_outcome=1, employed_by_job=1)
    admin = _base_hours({TOWN_A: 3})
    login(web, admin.username)
    page = html(web.get("/reports"))

    for key in sections_on(page):
        answer = web.get(f"/reports/{key}/export?format=csv")
        assert answer.status_code == 200, key
        name = answer.headers["Content-Disposition"]
        assert f"report-{key}_" in name and f"_{admin.username}_" in name and name.endswith(".csv")
        table = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
        shown = tables(html(web.get(f"/reports/{key}")))[f"table-{key}"]
        assert table[0] == shown[0], key  # the same Chinese headers
        body = [row for row in shown[1:] if len(row) == len(shown[0])]
        assert table[1:] == body, key

    exported = [str(e.object_id) for e in audit_events(AuditAction.REPORT_EXPORT)]
    assert sorted(exported) == sorted(sections_on(page))


def test_an_xlsx_export_names_who_and_when_above_the_table(web, ctx):
    _funnel(enrolled=4, completed=3, employed_by_outcome=1, employed_by_job=1)
    coordinator = make_staff(Role.COORDINATOR)
    login(web, coordinator.username)
    today = local_today()

    # From the first of the month the applications were made in (yesterday's).
    start = (today - timedelta(days=1)).replace(day=1)
    answer = web.get(f"/reports/training-funnel/export?format=xlsx&from={start}")

    assert answer.status_code == 200
    assert f"_{coordinator.username}_" in answer.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(answer.data)).worksheets[0]
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["培训转化情况"]
    assert rows[1] == ["导出人", coordinator.display_name]
    assert rows[2][0] == "导出时间"
    assert rows[3] == ["日期", f"{start} – {today}"]
    assert rows[5] == ["环节", "人数", "占报名人数的比例"]
    assert rows[6] == ["报名培训", "5", "100.0%"]
    assert rows[9] == ["结业后就业", "—", "—"]
    assert any("不予显示" in row[0] for row in rows[10:] if row)
    [entry] = audit_events(AuditAction.REPORT_EXPORT)
    assert entry.actor_id == coordinator.id and entry.detail["format"] == "xlsx"


def test_a_bad_export_is_refused_in_words_and_writes_nothing(web, ctx):
    login(web, make_staff(Role.ADMIN).username)

    bad_date = web.get("/reports/fairness/export?format=csv&from=2026-13-01")
    bad_format = web.get("/reports/fairness/export?format=pdf")

    assert bad_date.status_code == 400 and "日期格式应为" in bad_date.get_data(as_text=True)
    assert bad_format.status_code == 400
    assert audit_events(AuditAction.REPORT_EXPORT) == []


def test_the_volunteer_hours_file_keeps_its_fixed_headers_and_no_extra_rows(web, ctx):
    """The file a volunteer registry imports: its own fixed header row, one row per approved
    entry, no stamp and no total, in both formats (unlike the report's export)."""
    coordinator = _volunteer_hours({"黄丝带帮教": 3, "法律六进": 1}).username
    login(web, coordinator)

    as_csv = web.get("/activities/hours/export?format=csv")
    as_xlsx = web.get("/activities/hours/export?format=xlsx")

    rows = list(csv.reader(io.StringIO(as_csv.data.decode("utf-8-sig"))))
    header = [
        "志愿者编号",
        "注册名称",
        "服务项目",
        "服务活动",
        "服务日期",
        "开始时间",
        "结束时间",
        "服务时长（小时）",
    ]
    assert rows[0] == header and len(rows) == 5
    assert all(row[-1] == "3" for row in rows[1:])
    sheet = load_workbook(io.BytesIO(as_xlsx.data)).worksheets[0]
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0] == header and len(cells) == 5


def test_the_monthly_statistics_carry_the_wings_figures_exactly(ctx, tmp_path):
    """The county bureau's workbook: the month's funnel, base hours and volunteer hours,
    exact (a step of two people is shown, nothing merged)."""
    _funnel(enrolled=4, completed=3, employed_by_outcome=1, employed_by_job=1)
    _base_hours({TOWN_A: 3, TOWN_B: 1})
    _volunteer_hours({"黄丝带帮教": 3, "法律六进": 1}, days_ago=1)
    out = tmp_path / "month.xlsx"
    # Everything happened yesterday (the base sessions' default day).
    month = (local_today() - timedelta(days=1)).strftime("%Y-%m")

    result = ctx.test_cli_runner().invoke(
        args=["monthly-report", "--month", month, "--out", str(out)]
    )

    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    training = [[c for c in row if c is not None] for row in book["培训、就业与基地"].values]
    assert ["报名培训", "5", "100.0%"] in training and ["结业后就业", "2", "40.0%"] in training
    assert [TOWN_B, "2.5", "1", "1"] in training
    volunteers = [[c for c in row if c is not None] for row in book["各志愿项目服务时长"].values]
    assert ["法律六进", "3.0", "1", "1"] in volunteers
