"""The money pages end to end: proposals, approval, payouts with an uploaded receipt, pools."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from core.audit_actions import AuditAction
from core.db import db
from core.timeutil import local_today
from core.users import Role
from donations.disbursements.models import Disbursement, DisbursementStatus
from donations.ledger.check import check_ledger
from donations.projects.models import ListingStatus, NeedListing
from donations.proposals.models import AllocationProposal, ProposalStatus
from tests.donations.factories import (
    GIF,
    PDF,
    PNG,
    add_pool,
    default_pool_id,
    disbursement_count,
    files_in,
    give,
    list_need,
    make_project,
    need_balance,
    pool_balance,
)
from tests.factories import (
    TOWN_A,
    audit_events,
    fresh,
    make_county_staff,
    make_office,
    make_staff,
)
from tests.pages import english, login

pytestmark = pytest.mark.usefixtures("ctx")


def _client(app: Flask, role: Role, county: bool = False) -> tuple[FlaskClient, int]:
    """A browser of its own, signed in as a new user of this role (in English); a county
    user's scope covers every office."""
    staff = make_county_staff(role) if county else make_staff(role)
    staff_id, username = staff.id, staff.username
    browser = app.test_client()
    login(browser, username)
    english(browser)
    return browser, staff_id


def _table(page: str, table_id: str) -> str:
    found = re.search(rf'<table class="data" id="{table_id}"[^>]*>(.*?)</table>', page, re.S)
    assert found, f"no table #{table_id}"
    return found.group(1)


@pytest.fixture()
def open_need():
    """¥1,000 in the pool and one ¥800 need in 赤坎镇 it can fund."""
    admin = make_staff(Role.ADMIN)
    project_id = make_project(admin)
    give(project_id, 100_000)
    listing_id = list_need(make_office(TOWN_A), project_id, 80_000, lister=admin)
    return {"project_id": project_id, "listing": listing_id, "pool": default_pool_id(project_id)}


@pytest.fixture()
def funded_need(tmp_path: Path, app: Flask, monkeypatch: pytest.MonkeyPatch):
    """A ¥500 need funded by a gift; evidence goes to a directory of this test."""
    evidence_dir = tmp_path / "evidence"
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(evidence_dir))
    admin = make_staff(Role.ADMIN)
    project_id = make_project(admin)
    listing_id = list_need(make_office(), project_id, 50_000, lister=admin)
    give(project_id, 50_000, listing_id=listing_id)
    return {"listing": listing_id, "evidence_dir": evidence_dir}


def _payout_form(listing_id: str, content: bytes, filename: str, amount: str = "300.00"):
    return {
        "listing_id": listing_id,
        "amount": amount,
        "method": "bank_transfer",
        "payee": "开平市第一中学",
        "reference": "BANK-20250301-001",
        "paid_on": local_today().isoformat(),
        "evidence": (io.BytesIO(content), filename),
    }


def test_officer_proposes_and_finance_approves_on_the_pages(app, open_need):
    officer, officer_id = _client(app, Role.OFFICER, county=True)

    response = officer.post("/allocations", data={"project_id": open_need["project_id"]})
    assert response.status_code == 302
    assert re.fullmatch(r"/allocations/\d+", response.location)
    proposal_id = int(response.location.rsplit("/", 1)[1])
    assert fresh(AllocationProposal, proposal_id).proposed_by_id == officer_id

    listed = officer.get("/allocations").get_data(as_text=True)
    assert f'href="/allocations/{proposal_id}"' in _table(listed, "proposals")
    page = officer.get(f"/allocations/{proposal_id}").get_data(as_text=True)
    alias = fresh(NeedListing, open_need["listing"]).need.alias
    assert alias in _table(page, "funded")
    fairness = _table(page, "fairness")
    assert TOWN_A in fairness
    assert "¥800.00" in fairness and "100%" in fairness
    # The proposer sees no decision buttons, and a decision posted anyway is refused.
    assert 'name="decision" value="approve"' not in page
    officer.post(f"/allocations/{proposal_id}", data={"decision": "approve"})
    assert fresh(AllocationProposal, proposal_id).status == ProposalStatus.PROPOSED

    finance, finance_id = _client(app, Role.FINANCE)
    assert 'name="decision" value="approve"' in finance.get(f"/allocations/{proposal_id}").get_data(
        as_text=True
    )
    response = finance.post(f"/allocations/{proposal_id}", data={"decision": "approve"})

    assert response.status_code == 302
    proposal = fresh(AllocationProposal, proposal_id)
    assert (proposal.status, proposal.first_approver_id) == (ProposalStatus.APPROVED, finance_id)
    assert pool_balance(open_need["pool"]) == 20_000
    assert fresh(NeedListing, open_need["listing"]).status == ListingStatus.FUNDED
    shown = finance.get(f"/allocations/{proposal_id}").get_data(as_text=True)
    assert "Approved" in shown
    assert check_ledger().ok


def test_a_rejection_on_the_page_needs_a_reason(app, open_need):
    officer, _ = _client(app, Role.OFFICER, county=True)
    proposal_id = int(
        officer.post("/allocations", data={"project_id": open_need["project_id"]}).location.rsplit(
            "/", 1
        )[1]
    )
    finance, _ = _client(app, Role.FINANCE)

    finance.post(f"/allocations/{proposal_id}", data={"decision": "reject", "reason": ""})
    assert fresh(AllocationProposal, proposal_id).status == ProposalStatus.PROPOSED

    finance.post(f"/allocations/{proposal_id}", data={"decision": "reject", "reason": "下月再议"})
    proposal = fresh(AllocationProposal, proposal_id)
    assert (proposal.status, proposal.rejection_reason) == (ProposalStatus.REJECTED, "下月再议")
    assert "下月再议" in finance.get(f"/allocations/{proposal_id}").get_data(as_text=True)


def test_finance_cannot_run_a_proposal(app, open_need):
    finance, _ = _client(app, Role.FINANCE)
    assert finance.post("/allocations").status_code == 404
    page = finance.get("/allocations").get_data(as_text=True)
    assert "Run a proposal" not in page


def test_finance_records_a_payout_with_an_uploaded_receipt(app, funded_need):
    listing_id, evidence_dir = funded_need["listing"], funded_need["evidence_dir"]
    recorder, recorder_id = _client(app, Role.FINANCE)
    form_page = recorder.get("/disbursements").get_data(as_text=True)
    assert f'value="{listing_id}"' in form_page

    response = recorder.post(
        "/disbursements",
        data=_payout_form(listing_id, PDF, "receipt.pdf"),
        content_type="multipart/form-data",
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    assert disbursement_count() == 1
    [stored] = files_in(evidence_dir)
    assert stored.read_bytes() == PDF and stored.name != "receipt.pdf"
    payout = fresh_payout()
    assert (payout.amount_fen, payout.proposed_by_id) == (30_000, recorder_id)
    # The recorder sees no approve button on their own payout and cannot approve by hand.
    listed = recorder.get("/disbursements").get_data(as_text=True)
    assert "receipt.pdf" in _table(listed, "payouts")
    assert 'name="decision" value="approve"' not in listed
    recorder.post(f"/disbursements/{payout.id}", data={"decision": "approve", "confirm": "y"})
    assert fresh(Disbursement, payout.id).status == DisbursementStatus.PROPOSED

    approver, approver_id = _client(app, Role.FINANCE)
    download = approver.get(f"/disbursements/{payout.id}/evidence")
    assert (download.status_code, download.mimetype) == (200, "application/pdf")
    assert download.data == PDF
    download.close()  # send_file streams the stored file; closing releases it
    [viewed] = audit_events(AuditAction.DISBURSEMENT_EVIDENCE_VIEW, payout.id)
    assert (viewed.actor_id, viewed.object_type) == (approver_id, "disbursement")
    response = approver.post(
        f"/disbursements/{payout.id}", data={"decision": "approve", "confirm": "y"}
    )

    assert response.status_code == 302
    approved = fresh(Disbursement, payout.id)
    assert (approved.status, approved.approved_by_id) == (DisbursementStatus.APPROVED, approver_id)
    assert need_balance(listing_id) == 20_000
    assert check_ledger().ok


def test_evidence_is_downloaded_as_an_attachment_named_for_its_content(app, funded_need):
    listing_id = funded_need["listing"]
    recorder, _ = _client(app, Role.FINANCE)
    recorder.post(
        "/disbursements",
        data=_payout_form(listing_id, PNG, "evil.html"),
        content_type="multipart/form-data",
    )
    payout = fresh_payout()

    listed = _table(recorder.get("/disbursements").get_data(as_text=True), "payouts")
    assert "evil.png" in listed and "evil.html" not in listed
    download = recorder.get(f"/disbursements/{payout.id}/evidence")
    assert (download.status_code, download.mimetype) == (200, "image/png")
    assert download.headers["Content-Disposition"] == "attachment; filename=evil.png"
    download.close()

    # A name stored before names followed the content is served safely all the same.
    db.session.execute(
        update(Disbursement).where(Disbursement.id == payout.id).values(evidence_name="old.html")
    )
    db.session.commit()
    download = recorder.get(f"/disbursements/{payout.id}/evidence")
    assert download.headers["Content-Disposition"] == "attachment; filename=old.png"
    download.close()


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (GIF, "receipt.gif", "Evidence must be a PDF, JPEG or PNG file."),
        (PDF, "../receipt.pdf", "The file name must not contain a path."),
    ],
)
def test_a_bad_upload_shows_an_error_and_saves_nothing(
    app, funded_need, content, filename, message
):
    recorder, _ = _client(app, Role.FINANCE)

    response = recorder.post(
        "/disbursements",
        data=_payout_form(funded_need["listing"], content, filename),
        content_type="multipart/form-data",
    )

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'<span class="error">{message}</span>' in page
    assert disbursement_count() == 0
    assert files_in(funded_need["evidence_dir"]) == []


def test_more_than_the_need_holds_shows_an_error(app, funded_need):
    recorder, _ = _client(app, Role.FINANCE)
    response = recorder.post(
        "/disbursements",
        data=_payout_form(funded_need["listing"], PDF, "receipt.pdf", amount="500.01"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "what the need still holds" in response.get_data(as_text=True)
    assert disbursement_count() == 0
    assert files_in(funded_need["evidence_dir"]) == []


def test_pools_page_shows_each_pool_and_its_balance(app, open_need):
    school = add_pool(open_need["project_id"], "助学基金", categories=["education"])
    viewer, _ = _client(app, Role.FINANCE)

    page = viewer.get("/pools").get_data(as_text=True)

    assert re.findall(r'<strong class="pool-balance">(.*?)</strong>', page) == [
        "¥1,000.00",
        "¥0.00",
    ]
    assert "助学基金" in page and f"#{school}" not in page
    assert 'data-kind="donation_received"' in page


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.TRAINING_PARTNER])
def test_coordinators_and_partners_get_404_on_the_money_pages(app, open_need, funded_need, role):
    officer, _ = _client(app, Role.OFFICER, county=True)
    proposal_id = int(
        officer.post("/allocations", data={"project_id": open_need["project_id"]}).location.rsplit(
            "/", 1
        )[1]
    )
    recorder, _ = _client(app, Role.FINANCE)
    recorder.post(
        "/disbursements",
        data=_payout_form(funded_need["listing"], PDF, "receipt.pdf"),
        content_type="multipart/form-data",
    )
    payout_id = fresh_payout().id
    outsider, _ = _client(app, role)

    for path in (
        "/allocations",
        f"/allocations/{proposal_id}",
        "/disbursements",
        f"/disbursements/{payout_id}/evidence",
        "/pools",
    ):
        assert outsider.get(path).status_code == 404, path
    assert outsider.post("/allocations").status_code == 404
    assert (
        outsider.post(f"/allocations/{proposal_id}", data={"decision": "approve"}).status_code
        == 404
    )
    assert (
        outsider.post(f"/disbursements/{payout_id}", data={"decision": "approve"}).status_code
        == 404
    )
    assert fresh(AllocationProposal, proposal_id).status == ProposalStatus.PROPOSED
    assert fresh(Disbursement, payout_id).status == DisbursementStatus.PROPOSED


def test_officers_see_allocations_but_not_payouts(app, funded_need):
    officer, _ = _client(app, Role.OFFICER)
    assert officer.get("/allocations").status_code == 200
    assert officer.get("/pools").status_code == 200
    assert officer.get("/disbursements").status_code == 404


def fresh_payout() -> Disbursement:
    payout = db.session.scalars(
        select(Disbursement)
        .order_by(Disbursement.id.desc())
        .execution_options(populate_existing=True)
    ).first()
    assert payout is not None
    return payout


def test_a_town_officer_cannot_propose_for_a_county_project(app, open_need):
    """Proposals weigh every need of a project: scope over all its offices is required."""
    officer, _ = _client(app, Role.OFFICER)

    response = officer.post(
        "/allocations", data={"project_id": open_need["project_id"]}, follow_redirects=True
    )

    assert "needs scope over every office with needs on it" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AllocationProposal)) == 0


def test_an_officer_sees_only_their_own_needs_in_a_proposal(app, open_need):
    county, _ = _client(app, Role.SOCIAL_WORKER, county=True)
    created = county.post("/allocations", data={"project_id": open_need["project_id"]})
    proposal_id = int(created.location.rsplit("/", 1)[1])
    alias = fresh(NeedListing, open_need["listing"]).need.alias
    assert alias in county.get(f"/allocations/{proposal_id}").get_data(as_text=True)

    elsewhere, _ = _client(app, Role.OFFICER)
    page = elsewhere.get(f"/allocations/{proposal_id}").get_data(as_text=True)

    assert alias not in page
    assert "Only the needs of your own offices are listed." in page


def test_approving_a_payout_needs_the_confirmation_box_ticked(app, funded_need):
    listing_id = funded_need["listing"]
    recorder, _ = _client(app, Role.FINANCE)
    recorder.post(
        "/disbursements",
        data=_payout_form(listing_id, PDF, "receipt.pdf"),
        content_type="multipart/form-data",
    )
    payout_id = fresh_payout().id
    approver = app.test_client()  # in Chinese, the portal's default language
    login(approver, make_staff(Role.FINANCE).username)
    page = approver.get("/disbursements").get_data(as_text=True)
    # Each row's reject reason has a visible label of its own.
    assert f'<label for="reject-reason-{payout_id}">驳回理由</label>' in page
    assert f'id="confirm-{payout_id}"' in page

    response = approver.post(
        f"/disbursements/{payout_id}", data={"decision": "approve"}, follow_redirects=True
    )

    assert "请勾选确认：此操作无法撤销。" in response.get_data(as_text=True)
    assert fresh(Disbursement, payout_id).status == DisbursementStatus.PROPOSED
    assert need_balance(listing_id) == 50_000
    assert audit_events(AuditAction.DISBURSEMENT_APPROVE, payout_id) == []
