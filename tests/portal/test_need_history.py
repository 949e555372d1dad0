"""A need's page tells its history: written, edited (by whom), submitted, reviewed with the
note, published and listed, the gifts and allocations that funded it, its payouts with
who proposed and approved, and its close; the reviewer's note survives every later step.
Also: proposals and payouts say who proposed and approved, when, and the balances before
and after."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Connection

from core.audit_actions import AuditAction
from core.db import db
from core.needs import services as needs
from core.needs.models import Need, NeedStatus
from core.users import Role, User
from donations.disbursements.models import Disbursement
from donations.disbursements.services import approve_disbursement, propose_disbursement
from donations.projects.models import NeedListing
from donations.projects.services import list_need_on_project
from donations.proposals.services import approve_proposal, run_proposal
from tests.donations.factories import (
    default_pool_id,
    give,
    list_need,
    make_donor,
    make_project,
    payout,
)
from tests.factories import (
    audit_events,
    fresh,
    make_county_staff,
    make_office,
    make_person_in,
    make_staff,
    make_user,
    need_input,
)
from tests.pages import html, login
from tests.portal import test_web_harness as harness
from tests.reports_support import tables

web = harness.web
HIGH = 10_000_000


def history(page: str) -> list[tuple[str, str, str, str]]:
    """(class, what, who, detail) of each line of the history, oldest first."""
    section = page[page.index('id="history"') :]
    section = section[: section.index("</ol>")]
    lines = re.findall(
        r'<li class="([^"]*)"><span class="when">[^<]*</span><strong>([^<]*)</strong>'
        r' <span class="who">· ([^<]*)</span>\s*(?:<span class="detail">([^<]*)</span>)?',
        section,
    )
    return [(kind, what, who, detail) for kind, what, who, detail in lines]


def user(user_id: int) -> User:
    return db.session.get_one(User, user_id)


@pytest.fixture()
def paid_out(ctx, tmp_path):
    """A need reviewed with a note, listed, funded by a designated gift, and paid out."""
    admin = make_staff(Role.ADMIN)
    project_id = make_project(admin)
    office = make_office()
    person_id = make_person_in(office)
    need = needs.create_need(office.author, person_id, need_input(amount_fen=50_000))
    editor = make_user(Role.OFFICER, office.unit)
    needs.update_need(editor, need.id, need_input(amount_fen=50_000, title="康复治疗费用"))
    needs.submit_need(office.author, need.id)
    needs.review_need(office.reviewer, need.id, approve=True, note="材料齐全")
    needs.publish_need(office.author, need.id)
    listing_id = list_need_on_project(admin, need.id, project_id).id
    give(project_id, 50_000, listing_id=listing_id, donor_id=make_donor())
    finance, approver = make_staff(Role.FINANCE), make_staff(Role.FINANCE)
    proposed = propose_disbursement(finance, payout(listing_id, 50_000), tmp_path)
    approve_disbursement(approver, proposed.id)
    return {
        "need": need.id,
        "office": office,
        "editor": editor.id,
        "finance": finance.id,
        "approver": approver.id,
        "payout": proposed.id,
    }


def test_the_reviewers_note_survives_the_payout(web, paid_out):
    need = fresh(Need, paid_out["need"])
    assert need.status == NeedStatus.DISBURSED
    assert need.status_note == "材料齐全"
    login(web, paid_out["office"].author.username)

    page = html(web.get(f"/needs/{need.id}"))

    assert '<dd id="review-note">材料齐全</dd>' in page
    [approval] = [line for line in history(page) if line[0] == "need-approve"]
    assert approval[2] == paid_out["office"].reviewer.display_name
    assert approval[3] == "审核意见：材料齐全"
    # Why the payout moved the need is on the record beside it, in words, not over the note.
    [paid] = [line for line in history(page) if line[0] == "need-disbursed"]
    assert paid[3] == "备注：已拨付"
    assert "paid out" not in page


def test_the_history_tells_every_step_with_who_took_it(web, paid_out):
    office = paid_out["office"]
    login(web, office.author.username)

    lines = history(html(web.get(f"/needs/{paid_out['need']}")))

    kinds = [kind for kind, *_ in lines]
    assert kinds == [
        "need-create",
        "need-update",
        "need-submit",
        "need-approve",
        "need-publish",
        "need-list",
        "gift",
        "need-funded",
        "payout_proposed",
        "payout_approved",
        "need-disbursed",
    ]
    who = {kind: name for kind, _what, name, _detail in lines}
    assert who["need-create"] == office.author.display_name
    assert who["need-update"] == user(paid_out["editor"]).display_name
    assert who["payout_proposed"] == user(paid_out["finance"]).display_name
    assert who["payout_approved"] == user(paid_out["approver"]).display_name
    assert who["gift"] == "捐赠人"
    details = {kind: detail for kind, _what, _who, detail in lines}
    assert details["gift"].startswith("¥500.00 定向至本需求")
    assert f"（拨付 #{paid_out['payout']}）" in details["payout_approved"]
    assert "开平市中心医院" not in html(web.get(f"/needs/{paid_out['need']}"))


def test_a_cancellation_reason_goes_on_the_record_not_over_the_note(web, ctx):
    office = make_office()
    need = needs.create_need(office.author, make_person_in(office), need_input())
    needs.submit_need(office.author, need.id)
    needs.review_need(office.reviewer, need.id, approve=False, note="补充医院证明")
    needs.cancel_need(office.author, need.id, "家属已筹得费用")
    need_id = need.id
    login(web, office.author.username)

    page = html(web.get(f"/needs/{need_id}"))

    assert fresh(Need, need_id).status_note == "补充医院证明"
    lines = {kind: detail for kind, _what, _who, detail in history(page)}
    assert lines["need-return"] == "审核意见：补充医院证明"
    assert lines["need-cancel"] == "原因：家属已筹得费用"


@pytest.fixture()
def allocated(ctx):
    """A need funded from the pool by an approved allocation proposal."""
    admin = make_staff(Role.ADMIN)
    project_id = make_project(admin)
    office = make_office()
    give(project_id, 200_000)
    listing_id = list_need(office, project_id, 80_000, lister=admin)
    proposer = make_county_staff(Role.OFFICER)
    proposal = run_proposal(proposer, project_id)
    approver = make_staff(Role.FINANCE)
    approve_proposal(approver, proposal.id, HIGH)
    return {
        "office": office,
        "listing": listing_id,
        "proposal": proposal.id,
        "proposer": proposer.id,
        "approver": approver.id,
        "pool": default_pool_id(project_id),
    }


def test_an_allocation_in_the_history_names_its_pool_and_approver(web, allocated):
    need_id = fresh(NeedListing, allocated["listing"]).need_id
    login(web, allocated["office"].author.username)

    lines = history(html(web.get(f"/needs/{need_id}")))

    [line] = [line for line in lines if line[0] == "allocation"]
    assert line[2] == f"批准人：{user(allocated['approver']).display_name}"
    assert f"分配方案 #{allocated['proposal']}" in line[3]
    assert line[3].startswith("¥800.00，来自项目资金池")
    assert [kind for kind, *_ in lines][-2:] == ["allocation", "need-funded"]


def test_a_proposal_says_who_and_when_and_the_pool_before_and_after(web, allocated):
    login(web, make_staff(Role.AUDITOR).username)

    found = tables(html(web.get(f"/allocations/{allocated['proposal']}")))

    steps = {row[0]: row[1] for row in found["decisions"][1:]}
    assert steps == {
        "提出方案": user(allocated["proposer"]).display_name,
        "第一次批准": user(allocated["approver"]).display_name,
    }
    assert found["pool-balances"][1] == ["项目资金池", "¥2,000.00", "¥800.00", "¥1,200.00"]


def test_the_proposals_export_says_who_proposed_and_approved_and_when(web, allocated):
    auditor = make_staff(Role.AUDITOR)
    login(web, auditor.username)

    assert "/allocations/export?format=csv" in html(web.get("/allocations"))
    answer = web.get("/allocations/export?format=csv")

    assert answer.status_code == 200
    assert f"allocations_{auditor.username}_" in answer.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
    assert rows[0][:7] == [
        "编号",
        "募捐项目",
        "合计（元）",
        "获分配的帮扶需求",
        "状态",
        "提议人",
        "提议时间",
    ]
    [row] = rows[1:]
    assert row[0] == str(allocated["proposal"]) and row[2] == "800.00" and row[4] == "已复核"
    assert row[5] == user(allocated["proposer"]).display_name
    assert row[7] == user(allocated["approver"]).display_name and row[8]
    [entry] = audit_events(AuditAction.ALLOCATION_EXPORT)
    assert entry.actor_id == auditor.id and entry.detail["rows"] == 1


def test_a_proposal_awaiting_approval_shows_the_balances_it_saw(web, ctx):
    admin = make_staff(Role.ADMIN)
    project_id = make_project(admin)
    give(project_id, 100_000)
    list_need(make_office(), project_id, 30_000, lister=admin)
    proposal_id = run_proposal(make_county_staff(Role.OFFICER), project_id).id
    login(web, make_staff(Role.FINANCE).username)

    found = tables(html(web.get(f"/allocations/{proposal_id}")))

    assert found["pool-balances"][1] == ["项目资金池", "¥1,000.00", "¥300.00", "¥700.00"]
    assert [row[0] for row in found["decisions"][1:]] == ["提出方案"]


def test_payouts_say_who_proposed_and_approved_and_the_need_before_and_after(
    web, paid_out, tmp_path
):
    login(web, user(paid_out["finance"]).username)

    [row] = [
        row
        for row in tables(html(web.get("/disbursements")))["payouts"][1:]
        if row[0] == str(paid_out["payout"])
    ]

    assert row[9].startswith(user(paid_out["finance"]).display_name)
    assert row[10].startswith(user(paid_out["approver"]).display_name)
    assert row[11:13] == ["¥500.00", "¥0.00"]


def test_the_payouts_export_says_the_same_with_the_payee_masked(web, paid_out):
    finance = user(paid_out["finance"])
    login(web, finance.username)

    assert "/disbursements/export?format=csv" in html(web.get("/disbursements"))
    answer = web.get("/disbursements/export?format=csv")

    assert answer.status_code == 200
    assert f"payouts_{finance.username}_" in answer.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
    assert rows[0] == [
        "编号",
        "帮扶需求",
        "金额（元）",
        "拨付方式",
        "收款方",
        "付款日期",
        "状态",
        "提议人",
        "提议时间",
        "决定人",
        "决定时间",
        "拨付前需求余额（元）",
        "拨付后需求余额（元）",
    ]
    [row] = [row for row in rows[1:] if row[0] == str(paid_out["payout"])]
    payout = fresh(Disbursement, paid_out["payout"])
    assert row[2] == "500.00" and row[6] == "已复核"
    assert row[4] != payout.payee and payout.payee not in answer.data.decode("utf-8-sig")
    assert row[7] == finance.display_name and row[9] == user(paid_out["approver"]).display_name
    assert row[11:13] == ["500.00", "0.00"]
    [entry] = audit_events(AuditAction.DISBURSEMENT_EXPORT)
    assert entry.actor_id == finance.id and entry.detail["rows"] == len(rows) - 1


def _statements(connection: Connection, request: Callable[[], object]) -> int:
    executed: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _executemany) -> None:
        executed.append(statement)

    event.listen(connection, "before_cursor_execute", record)
    try:
        request()
    finally:
        event.remove(connection, "before_cursor_execute", record)
    return len(executed)


def test_a_need_page_reads_its_history_in_a_fixed_number_of_queries(web, ctx, connection):
    admin = make_staff(Role.ADMIN)
    project_id = make_project(admin)
    office = make_office()
    listing_id = list_need(office, project_id, 100_000, lister=admin)
    need_id = fresh(NeedListing, listing_id).need_id
    give(project_id, 1_000, listing_id=listing_id, donor_id=make_donor())
    login(web, office.author.username)
    web.get(f"/needs/{need_id}")

    few = _statements(connection, lambda: web.get(f"/needs/{need_id}"))
    for _ in range(6):
        give(project_id, 1_000, listing_id=listing_id, donor_id=make_donor())
    many = _statements(connection, lambda: web.get(f"/needs/{need_id}"))

    assert many == few
    assert (
        len([line for line in history(html(web.get(f"/needs/{need_id}"))) if line[0] == "gift"])
        == 7
    )


def test_the_payouts_list_pages_with_the_shared_pager(web, paid_out):
    login(web, user(paid_out["finance"]).username)

    first = web.get("/disbursements?per_page=1")

    assert first.status_code == 200
    assert [row[0] for row in tables(html(first))["payouts"][1:]] == [str(paid_out["payout"])]
    # A page past the last, or not a page at all, is no page: 404, never the first again.
    assert web.get("/disbursements?per_page=1&page=2").status_code == 404
    assert web.get("/disbursements?page=abc").status_code == 404
