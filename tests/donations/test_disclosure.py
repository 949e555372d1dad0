"""The charity's public disclosure: anyone reads a project's money without signing in; what
it was used for is shown by category and town, never a person, and no cell counts one or
two people; the same figures come as CSV and XLSX. Every answer is kept for the identity
scan at the end of the run (tests/api/answer_checks.py)."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from core.db import db
from core.needs.models import Need
from core.people.models import Person
from core.timeutil import local_today
from donations.projects.models import NeedListing
from donations.projects.services import ProjectInput, save_project
from tests.factories import TOWN_A, TOWN_B, make_admin
from tests.reports_support import money_scenario, outside_addresses, tables
from tests.session_checks import record_public_answer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SMALL = {TOWN_A: 1, TOWN_B: 4, "水口镇": 3}


def fetch(client, path: str):
    """A public answer, kept for the identity scan."""
    answer = client.get(path)
    record_public_answer(path, answer)
    return answer


@pytest.fixture()
def scenario(ctx, tmp_path):
    return money_scenario(SMALL, tmp_path)


def test_anyone_reads_a_projects_money_without_signing_in(client, scenario):
    answer = fetch(client, f"/disclosure/{scenario.project_id}")

    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert "53440783MJL0000001" in page  # the fundraising registration number
    assert '<dd id="raised">¥8,000.00</dd>' in page
    assert '<dd id="paid">¥8,000.00</dd>' in page
    assert outside_addresses(page) == []


def test_no_cell_counts_one_or_two_people_and_nothing_is_lost(client, scenario):
    page = fetch(client, f"/disclosure/{scenario.project_id}").get_data(as_text=True)
    found = tables(page)

    towns = {row[0]: row[1:] for row in found["use-by-town"][1:]}
    assert TOWN_A not in towns
    assert towns["其他镇街"] == ["¥4,000.00", "¥4,000.00", "4", "4"]
    assert towns[TOWN_B] == ["¥4,000.00", "¥4,000.00", "4", "4"]
    categories = {row[0]: row[1:] for row in found["use-by-category"][1:]}
    assert categories["助学"] == ["¥8,000.00", "¥8,000.00", "8", "8"]
    for table in ("use-by-town", "use-by-category"):
        for row in found[table][1:]:
            assert int(row[3]) not in (1, 2) and int(row[4]) not in (1, 2)


def test_no_alias_story_or_name_reaches_the_public(client, scenario):
    listing_ids = [lid for ids in scenario.listings.values() for lid in ids]
    needs = [db.session.get_one(NeedListing, lid).need for lid in listing_ids]
    people = [db.session.get_one(Person, need.person_id) for need in needs]

    page = fetch(client, f"/disclosure/{scenario.project_id}").get_data(as_text=True)

    for need, person in zip(needs, people, strict=True):
        assert need.alias not in page
        assert str(need.story) not in page
        assert str(person.name) not in page
    assert "开平市中心医院" not in page  # a payee


def test_a_project_with_two_people_hides_its_tables(client, ctx, tmp_path):
    scenario = money_scenario({TOWN_A: 1, TOWN_B: 1}, tmp_path)

    page = fetch(client, f"/disclosure/{scenario.project_id}").get_data(as_text=True)

    assert "use-by-town" not in page and "use-by-category" not in page
    assert "人数过少" in page and "少于 3 人" in page
    assert '<dd id="paid">¥2,000.00</dd>' in page


def test_the_exports_carry_the_same_figures_and_say_when(client, scenario):
    as_csv = fetch(client, f"/disclosure/{scenario.project_id}/export?format=csv")
    as_xlsx = fetch(client, f"/disclosure/{scenario.project_id}/export?format=xlsx")

    assert as_csv.status_code == as_xlsx.status_code == 200
    assert as_xlsx.mimetype == XLSX
    name = f"disclosure_{scenario.project_id[:8]}_public_"
    assert name in as_csv.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(as_csv.data.decode("utf-8").removeprefix("\ufeff"))))
    assert rows[0][0] == "部分"
    assert ["概况", "公开募捐备案编号", "53440783MJL0000001"] in rows
    assert ["按镇街的用途", "其他镇街", "4,000.00", "4,000.00", "4", "4"] in rows
    assert not any(row[1] == TOWN_A for row in rows)
    book = load_workbook(io.BytesIO(as_xlsx.data))
    assert book.sheetnames == ["概况", "按类别的用途", "按镇街的用途"]
    summary = [list(row) for row in book["概况"].iter_rows(values_only=True)]
    assert summary[0][0].startswith("慈善信息公示：")
    assert ["已使用：已拨付（元）", "8,000.00"] in summary
    towns = [list(row) for row in book["按镇街的用途"].iter_rows(values_only=True)]
    assert ["其他镇街", "4,000.00", "4,000.00", 4, 4] in towns


def test_only_projects_on_the_map_are_disclosed(client, ctx, scenario):
    today = local_today()
    draft = save_project(
        make_admin(),
        ProjectInput(
            title="草稿项目",
            summary="",
            charity_name="开平市慈善会",
            fundraising_reg_no="53440783MJL0000009",
            lat=22.3,
            lng=112.6,
            goal_fen=100_000,
            starts_on=today,
            ends_on=today + timedelta(days=30),
        ),
    ).id

    index = fetch(client, "/disclosure").get_data(as_text=True)

    assert scenario.project_id in index and draft not in index
    assert outside_addresses(index) == []
    for path in (
        f"/disclosure/{draft}",
        f"/disclosure/{uuid.uuid4()}",
        "/disclosure/not-a-project",
        f"/disclosure/{'a' * 500}",
        f"/disclosure/{draft}/export?format=xlsx",
    ):
        assert client.get(path).status_code == 404, path
    assert client.get(f"/disclosure/{scenario.project_id}/export?format=pdf").status_code == 400


def test_minors_money_is_left_out(client, ctx, tmp_path):
    """Needs of minors are never published; were money ever booked to one, the public
    figures by category and town would still not count it."""
    scenario = money_scenario({TOWN_B: 3}, tmp_path)
    [first, *_] = scenario.listings[TOWN_B]
    need = db.session.get_one(Need, db.session.get_one(NeedListing, first).need_id)
    db.session.get_one(Person, need.person_id).is_minor = True
    db.session.commit()

    page = fetch(client, f"/disclosure/{scenario.project_id}").get_data(as_text=True)

    assert "use-by-town" not in page  # two people left: too few to show


def test_the_disclosure_runs_the_same_number_of_queries_whatever_the_data(
    client, ctx, connection, tmp_path
):
    scenario = money_scenario({TOWN_A: 3}, tmp_path)
    path = f"/disclosure/{scenario.project_id}"
    client.get(path)  # warm up
    executed: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _executemany) -> None:
        executed.append(statement)

    def count() -> int:
        executed.clear()
        event.listen(connection, "before_cursor_execute", record)
        try:
            client.get(path)
        finally:
            event.remove(connection, "before_cursor_execute", record)
        return len(executed)

    few = count()
    money_scenario({TOWN_B: 4, "月山镇": 3}, tmp_path, project_id=scenario.project_id)

    assert count() == few
    assert "¥10,000.00" in client.get(path).get_data(as_text=True)
