"""The wing's lists export as CSV and XLSX: Chinese headers, words for kinds and
statuses, the person masked (a base contact's file names the placement's alias whatever
the consent), one audit entry per export, and a base contact's file holds their base only."""

from __future__ import annotations

from core.audit_actions import AuditAction
from core.users import Role
from jobs_bases.consent.models import SharedField
from tests.export_support import csv_rows, xlsx_rows
from tests.factories import audit_events, make_unit, make_user
from tests.jobs_bases.factories import make_base_row, make_scene
from tests.pages import html, login


def test_bases_export_in_chinese_as_filtered_and_audited(web, ctx):
    here_name = make_base_row(name="长沙公益基地", town="长沙街道").name
    make_base_row(name="水口公益基地", town="水口镇")
    admin = make_user(Role.ADMIN)
    login(web, admin.username)
    assert "/bases/export?format=csv" in html(web.get("/bases"))

    answer = web.get("/bases/export?format=csv&town=长沙街道&cursor=x")

    rows = csv_rows(answer)
    assert f"bases_{admin.username}_" in answer.headers["Content-Disposition"]
    assert rows[0] == ["基地", "基地类型", "镇（街道）", "组织名称", "名额", "志愿活动", "状态"]
    assert rows[1:] == [
        [here_name, "公益基地", "长沙街道", "开平市义工联", "5", "环境清洁、敬老服务", "使用中"]
    ]
    [entry] = audit_events(AuditAction.BASE_EXPORT)
    assert entry.actor_id == admin.id and entry.detail["rows"] == 1
    assert entry.detail["filters"] == {"town": "长沙街道"}


def test_a_base_contacts_bases_file_holds_their_base_only(web, ctx):
    scene = make_scene()
    other_name = make_base_row(name="别处基地").name
    login(web, scene.contact.username)

    rows = csv_rows(web.get("/bases/export?format=csv"))

    names = [row[0] for row in rows[1:]]
    assert other_name not in names and len(names) == 1


def test_placements_export_masks_the_person_for_staff(web, ctx):
    scene = make_scene(shares=(SharedField.NAME,))
    name = str(scene.person.name)
    login(web, scene.officer.username)
    assert "/bases/placements/export?format=xlsx" in html(web.get("/bases/placements"))

    answer = web.get("/bases/placements/export?format=xlsx")

    assert answer.status_code == 200
    body = xlsx_rows(answer)
    assert body[0][0] == "安置"
    assert body[1][1] == scene.officer.display_name
    [row] = [row for row in body if row[0] == scene.placement_id]
    assert row[1] != name and row[1][0] == name[0]
    assert name not in [cell for line in body for cell in line]
    [entry] = audit_events(AuditAction.PLACEMENT_EXPORT)
    assert entry.actor_id == scene.officer_id and entry.detail["format"] == "xlsx"


def test_a_base_contacts_placements_file_names_aliases_of_their_base_only(web, ctx):
    scene = make_scene(shares=(SharedField.NAME,))
    elsewhere = make_scene(shares=(SharedField.NAME,))
    login(web, scene.contact.username)

    rows = csv_rows(web.get("/bases/placements/export?format=csv"))

    assert [row[0] for row in rows[1:]] == [str(scene.placement_id)]
    assert rows[1][1] == scene.placement.alias
    flat = str(rows)
    assert str(scene.person.name) not in flat and str(elsewhere.person.name) not in flat


def test_an_officer_elsewhere_exports_no_placement_of_this_office(web, ctx):
    scene = make_scene()
    other = make_user(Role.OFFICER, make_unit(town="水口镇"))
    login(web, other.username)

    rows = csv_rows(web.get("/bases/placements/export?format=csv"))

    assert str(scene.placement_id) not in [row[0] for row in rows[1:]]


def test_people_outside_the_wing_get_no_export(web, ctx):
    make_scene()
    login(web, make_user(Role.FINANCE).username)

    assert web.get("/bases/export?format=csv").status_code == 404
    assert web.get("/bases/placements/export?format=csv").status_code == 404
    assert not audit_events(AuditAction.BASE_EXPORT)
