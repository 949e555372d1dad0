"""A refund the provider makes of money already spent: what the gift's need and the pool
no longer hold goes to the refund shortfall, never below zero in a fund, and stays an
open discrepancy until finance records how it was settled."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TypeVar

import pytest
from flask import Flask
from sqlalchemy import ScalarResult, Select, select

from core.audit import AuditEvent
from core.db import db
from core.users import Role
from donations.disbursements.services import approve_disbursement, propose_disbursement
from donations.giving.events import apply_event
from donations.giving.models import Discrepancy, Donation
from donations.ledger.check import check_ledger
from donations.ledger.models import EntryKind
from donations.ledger.services import fund_balance_fen, general_funds_account, shortfall_account
from donations.proposals.services import approve_proposal, run_proposal
from tests.donations.factories import (
    default_pool_id,
    entries_of_kind,
    give,
    list_need,
    need_balance,
    payout,
    pool_balance,
    refund_event,
    unique,
)
from tests.donations.factories import (
    make_project as make_money_project,
)
from tests.factories import (
    fresh,
    make_county_staff,
    make_office,
    make_staff,
)
from tests.pages import login_in_english

pytestmark = pytest.mark.usefixtures("ctx")
T = TypeVar("T")


def _refund_at_provider(donation_id: str, amount_fen: int) -> str:
    """The provider's word that it refunded the donation (made at its dashboard)."""
    refund_id = unique("re_")
    intent = fresh(Donation, donation_id).payment_intent_id
    event = refund_event("refund.created", refund_id, intent, amount_fen)
    assert apply_event(event, via="webhook") == "applied"
    return refund_id


@pytest.fixture()
def paid_out(tmp_path: Path):
    """A ¥1,000 gift to a need, paid out in full to the payee."""
    admin = make_staff(Role.ADMIN)
    project_id = make_money_project(admin)
    listing_id = list_need(make_office(), project_id, 100_000)
    gift = give(project_id, 100_000, listing_id=listing_id)
    finance, approver = make_staff(Role.FINANCE), make_staff(Role.FINANCE)
    proposed = propose_disbursement(finance, payout(listing_id, 100_000), tmp_path)
    approve_disbursement(approver, proposed.id)
    return {"project_id": project_id, "listing": listing_id, "gift": gift}


def test_a_provider_refund_of_a_paid_out_gift_is_a_shortfall_not_a_negative_fund(paid_out):
    refund_id = _refund_at_provider(paid_out["gift"], 100_000)

    assert need_balance(paid_out["listing"]) == 0
    assert pool_balance(default_pool_id(paid_out["project_id"])) == 0
    assert -fund_balance_fen(shortfall_account()) == 100_000  # a debit: money we lack
    [found] = _discrepancies()
    assert (found.kind, found.object_id, found.amount_fen, found.settled_at) == (
        "refund_shortfall",
        refund_id,
        100_000,
        None,
    )
    assert fresh(Donation, paid_out["gift"]).status == "refunded"
    report = check_ledger()
    assert report.ok, report.problems


def test_only_what_the_need_no_longer_holds_is_short(tmp_path: Path):
    admin = make_staff(Role.ADMIN)
    project_id = make_money_project(admin)
    listing_id = list_need(make_office(), project_id, 100_000)
    gift = give(project_id, 100_000, listing_id=listing_id)
    proposed = propose_disbursement(make_staff(Role.FINANCE), payout(listing_id, 70_000), tmp_path)
    approve_disbursement(make_staff(Role.FINANCE), proposed.id)

    _refund_at_provider(gift, 50_000)

    assert need_balance(listing_id) == 0
    assert [d.amount_fen for d in _discrepancies()] == [20_000]
    assert check_ledger().ok


def test_pool_money_already_allocated_is_short_and_other_gifts_keep_theirs():
    admin = make_staff(Role.ADMIN)
    project_id = make_money_project(admin)
    early = give(project_id, 60_000)
    list_need(make_office(), project_id, 60_000)
    proposal = run_proposal(make_county_staff(Role.OFFICER), project_id)
    approve_proposal(make_staff(Role.FINANCE), proposal.id, 10_000_000)
    give(project_id, 40_000)  # another donor's money, still in the pool

    _refund_at_provider(early, 60_000)

    # The later donor's ¥400 is not used to refund the earlier gift.
    assert pool_balance(default_pool_id(project_id)) == 40_000
    assert [d.amount_fen for d in _discrepancies()] == [60_000]
    assert check_ledger().ok


def test_finance_settles_a_shortfall_on_the_reconciliation_page(app: Flask, paid_out):
    refund_id = _refund_at_provider(paid_out["gift"], 100_000)
    finance = make_staff(Role.FINANCE)
    finance_id, finance_name, shown_as = finance.id, finance.username, finance.display_name
    browser = app.test_client()
    login_in_english(browser, finance_name)

    page = browser.get("/finance/reconciliation").get_data(as_text=True)
    listed = _section(page, "open-discrepancies")
    assert refund_id in listed and "1,000.00" in listed
    [found_id] = [d.id for d in _discrepancies()]

    empty = browser.post(f"/finance/discrepancies/{found_id}/settle", data={"note": " "})
    assert empty.status_code == 302
    assert fresh(Discrepancy, found_id).settled_at is None

    answer = browser.post(
        f"/finance/discrepancies/{found_id}/settle",
        data={"note": "慈善会理事会决议 2026-12 号，由非定向资金弥补"},
    )

    assert answer.status_code == 302
    settled = fresh(Discrepancy, found_id)
    assert (settled.settled_by_id, settled.settlement_note) == (
        finance_id,
        "慈善会理事会决议 2026-12 号，由非定向资金弥补",
    )
    assert settled.settled_at is not None
    [entry] = entries_of_kind(EntryKind.SHORTFALL_SETTLED)
    assert settled.settlement_entry_id == entry.id
    assert fund_balance_fen(shortfall_account()) == 0
    assert -fund_balance_fen(general_funds_account()) == 100_000
    assert check_ledger().ok
    page = browser.get("/finance/reconciliation").get_data(as_text=True)
    assert refund_id not in _section(page, "open-discrepancies")
    done = _section(page, "settled-discrepancies")
    assert refund_id in done and shown_as in done and "理事会决议" in done
    audited = select(AuditEvent).where(AuditEvent.action == "finance.settle_discrepancy")
    [event] = list(fresh_scalars(audited))
    assert (event.actor_id, event.object_id) == (finance_id, str(found_id))


def test_a_discrepancy_is_settled_once_and_only_by_finance(app: Flask, paid_out):
    _refund_at_provider(paid_out["gift"], 100_000)
    [found_id] = [d.id for d in _discrepancies()]
    auditor = app.test_client()
    login_in_english(auditor, make_staff(Role.AUDITOR).username)

    refused = auditor.post(f"/finance/discrepancies/{found_id}/settle", data={"note": "ok"})

    assert refused.status_code == 404
    assert fresh(Discrepancy, found_id).settled_at is None
    finance = app.test_client()
    login_in_english(finance, make_staff(Role.FINANCE).username)
    finance.post(f"/finance/discrepancies/{found_id}/settle", data={"note": "covered"})
    finance.post(f"/finance/discrepancies/{found_id}/settle", data={"note": "again"})
    assert fresh(Discrepancy, found_id).settlement_note == "covered"
    assert len(entries_of_kind(EntryKind.SHORTFALL_SETTLED)) == 1


def _discrepancies() -> list[Discrepancy]:
    return list(fresh_scalars(select(Discrepancy).order_by(Discrepancy.id)))


def fresh_scalars(query: Select[tuple[T]]) -> ScalarResult[T]:
    return db.session.scalars(query.execution_options(populate_existing=True))


def _section(page: str, section_id: str) -> str:
    found = re.search(rf'<table class="data" id="{section_id}"[^>]*>(.*?)</table>', page, re.S)
    assert found, f"no table #{section_id}"
    return found.group(1)
