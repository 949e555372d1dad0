"""The audit log as an auditor reads it: display names and Chinese labels, details in words,
filters chosen from lists, a line saying when the chain was verified (and by whom), unsealed
entries explained, and an export that is itself on the record."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from core import audit
from core.audit_actions import AuditAction
from core.db import db
from core.needs import services as needs
from core.users import Role, User
from donations.disbursements.services import propose_disbursement
from donations.projects.models import NeedListing
from portal.jobs import verify_audit
from tests.api.answer_checks import findings
from tests.conftest import TEST_KEYS
from tests.donations.factories import give, list_need, make_project, payout
from tests.factories import audit_events, make_office, make_person_in, make_staff, need_input
from tests.pages import html, login
from tests.portal import test_web_harness as harness
from tests.reports_support import tables

web = harness.web
KEY = TEST_KEYS["AUDIT_KEY"].encode()


@pytest.fixture()
def cancelled(ctx):
    office = make_office()
    need = needs.create_need(office.author, make_person_in(office), need_input())
    needs.cancel_need(office.author, need.id, "家属已筹得费用")
    return {"need": need.id, "author": office.author.id}


def test_entries_read_as_names_labels_and_words(web, cancelled):
    author = db.session.get_one(User, cancelled["author"])
    name, username = author.display_name, author.username
    login(web, make_staff(Role.AUDITOR).username)

    page = html(web.get("/audit", query_string={"action": "need.cancel"}))

    [row] = tables(page)["audit"][1:]
    assert row[2:5] == [name, "工作人员取消帮扶需求", f"帮扶需求 #{cancelled['need']}"]
    assert row[6] == "原因：家属已筹得费用"
    assert f'title="{username}">{name}</td>' in page


def test_filters_are_chosen_from_lists(web, cancelled):
    author = db.session.get_one(User, cancelled["author"])
    name, username = author.display_name, author.username
    login(web, make_staff(Role.ADMIN).username)

    page = html(web.get("/audit", query_string={"actor": username}))

    assert f'<option value="{username}" selected>{name} ({username})</option>' in page
    assert '<option value="need">帮扶需求</option>' in page
    assert '<option value="disbursement">善款拨付</option>' in page
    [row] = [r for r in tables(page)["audit"][1:] if r[3] == "工作人员取消帮扶需求"]
    assert row[2] == name


def test_the_page_says_when_the_chain_was_verified_and_by_whom(web, ctx):
    auditor = make_staff(Role.AUDITOR)
    name = auditor.display_name
    login(web, auditor.username)
    assert "审计链尚未校验" in html(web.get("/audit"))

    done = web.post("/audit/verify")

    assert done.status_code == 302
    page = html(web.get("/audit"))
    line = re.search(r'<p id="chain-status">([^<]*)</p>', page)
    assert line is not None
    assert f"由{name}校验：完整" in line.group(1)
    [verified] = audit_events(AuditAction.AUDIT_VERIFY)
    assert verified.detail["ok"] is True and verified.detail["checked"] > 0


def test_a_broken_chain_is_said_so(web, ctx):
    auditor = make_staff(Role.AUDITOR)
    login(web, auditor.username)
    web.post("/audit/verify")
    db.session.execute(text("UPDATE audit_event SET ip = '6.6.6.6' WHERE seq = 1"))
    db.session.commit()

    web.post("/audit/verify")

    page = html(web.get("/audit"))
    assert "已被破坏" in page
    assert "entry 1: content does not match its hash (edited)" in page


def test_unsealed_entries_are_counted_and_explained(web, ctx):
    login(web, make_staff(Role.AUDITOR).username)

    before = html(web.get("/audit"))
    audit.seal_all(KEY)
    after = html(web.get("/audit"))

    waiting = re.search(r'<p class="muted" id="unsealed">有 (\d+) 条记录尚未封存', before)
    assert waiting is not None and int(waiting.group(1)) > 0
    assert "约每分钟封入哈希链" in before
    assert 'id="unsealed">有 0 条记录尚未封存' in after


def test_the_command_and_the_job_put_their_verification_on_record(web, ctx):
    make_staff(Role.ADMIN)
    assert ctx.test_cli_runner().invoke(args=["audit-verify"]).exit_code == 0
    verify_audit()

    by = [(e.actor_id, e.actor_label) for e in audit_events(AuditAction.AUDIT_VERIFY)]
    login(web, make_staff(Role.AUDITOR).username)
    page = html(web.get("/audit"))

    assert by == [(None, "cli"), (None, "audit-verify")]
    assert "由系统（审计链校验）校验：完整" in page


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_export_is_readable_stamped_and_on_the_record(web, cancelled, fmt):
    auditor = make_staff(Role.AUDITOR)
    name, username, auditor_id = auditor.display_name, auditor.username, auditor.id
    author = db.session.get_one(User, cancelled["author"]).display_name
    login(web, username)

    answer = web.get("/audit/export", query_string={"format": fmt, "object_type": "need"})

    assert answer.status_code == 200
    assert re.search(
        rf"filename=audit_{username}_\d{{8}}-\d{{4}}\.{fmt}$", answer.headers["Content-Disposition"]
    )
    headers = ["序号", "时间", "用户", "用户名", "操作", "操作对象", "地址", "详情"]
    if fmt == "xlsx":
        rows = [
            list(r)
            for r in load_workbook(io.BytesIO(answer.data)).active.iter_rows(values_only=True)
        ]
        assert rows[0][0] == "审计日志"
        assert ["导出人", name] in [row[:2] for row in rows]
        assert ["筛选条件", "操作对象类型：帮扶需求"] in [row[:2] for row in rows]
        body = rows[rows.index(headers) + 1 :]
    else:
        lines = answer.data.decode("utf-8").removeprefix("\ufeff").splitlines()
        assert lines[0].split(",") == headers
        body = [line.split(",") for line in lines[1:]]
    [cancel] = [row for row in body if row[4] == "工作人员取消帮扶需求"]
    assert (cancel[2], cancel[5], cancel[7]) == (
        author,
        f"帮扶需求 #{cancelled['need']}",
        "原因：家属已筹得费用",
    )
    assert cancel[0] == "尚未封存"
    # Exports carry no identity in clear: no name, phone or ID number of anyone registered.
    assert findings(answer.data.decode("utf-8", "replace") if fmt == "csv" else str(body)) == []
    [exported] = audit_events(AuditAction.AUDIT_EXPORT)
    assert exported.actor_id == auditor_id
    assert exported.detail == {"format": fmt, "filters": {"object_type": "need"}}


def test_officers_and_finance_cannot_read_verify_or_export(web, ctx):
    for role in (Role.OFFICER, Role.FINANCE):
        client = harness.new_client(web.application)
        login(client, make_staff(role).username)
        assert client.get("/audit").status_code == 404
        assert client.get("/audit/export?format=xlsx").status_code == 404
        assert client.post("/audit/verify").status_code == 404
    assert audit_events(AuditAction.AUDIT_EXPORT) == []
    assert audit_events(AuditAction.AUDIT_VERIFY) == []


def test_a_detail_holding_a_listing_reads_as_its_need_on_the_page_and_in_the_export(
    web, ctx, tmp_path
):
    project_id = make_project()
    listing_id = list_need(make_office(), project_id, 30_000)
    give(project_id, 30_000, listing_id=listing_id)
    propose_disbursement(make_staff(Role.FINANCE), payout(listing_id, 30_000), tmp_path)
    need_id = db.session.get_one(NeedListing, listing_id).need_id
    login(web, make_staff(Role.AUDITOR).username)

    page = html(web.get("/audit", query_string={"action": "disbursement.propose"}))
    export = web.get(
        "/audit/export", query_string={"format": "csv", "action": "disbursement.propose"}
    ).data.decode()

    [row] = tables(page)["audit"][1:]
    assert row[6] == f"金额：¥300.00；需求上架记录：帮扶需求 #{need_id}"
    assert f"需求上架记录：帮扶需求 #{need_id}" in export
    assert listing_id not in page and listing_id not in export
