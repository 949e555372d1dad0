"""Finance pages of the money side: who sees them, and that what they show adds up."""

from __future__ import annotations

import csv
import io
import re

import pytest

from core.audit_actions import AuditAction
from core.db import db
from core.users import Role
from donations.giving.events import apply_event
from donations.projects.models import Project
from tests.donations.factories import make_donation, make_project, succeeded_event
from tests.factories import audit_events, make_unit, make_user
from tests.pages import login

pytestmark = pytest.mark.usefixtures("ctx")

MONEY_PAGES = ["/donations", "/finance/reconciliation", "/finance/trial-balance"]


def sign_in_as(client, role: Role, scope: bool = False) -> int:
    """A new user of this role, signed in on the client; their id."""
    user = make_user(role, make_unit() if scope else None)
    user_id, username = user.id, user.username
    login(client, username)
    return user_id


def paid_donations(*amounts_fen: int) -> tuple[str, list[str]]:
    project_id = make_project()
    ids = []
    for amount in amounts_fen:
        donation = make_donation(project_id, amount)
        assert apply_event(succeeded_event(donation), via="webhook") == "applied"
        ids.append(donation.id)
    return project_id, ids


def test_finance_sees_the_donations_and_reconciliation_pages(client):
    project_id, _ = paid_donations(12_300)
    title = db.session.get_one(Project, project_id).title
    sign_in_as(client, Role.FINANCE)

    listing = client.get("/donations")
    reconciliation = client.get("/finance/reconciliation")

    assert listing.status_code == 200
    page = listing.get_data(as_text=True)
    assert title in page
    assert "¥123.00" in page
    assert reconciliation.status_code == 200
    # Finance may run reconciliation: the page offers the button.
    assert '<form method="post">' in reconciliation.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.OFFICER, Role.COORDINATOR])
def test_staff_outside_finance_get_404_on_money_pages(client, role):
    paid_donations(5_000)
    sign_in_as(client, role, scope=role == Role.OFFICER)

    for url in [*MONEY_PAGES, "/finance/journal.csv"]:
        assert client.get(url).status_code == 404, url


def test_trial_balance_debits_equal_credits(client):
    paid_donations(15_000, 2_550)
    sign_in_as(client, Role.FINANCE)

    response = client.get("/finance/trial-balance")

    assert response.status_code == 200
    footer = re.search(r"<tfoot>(.*?)</tfoot>", response.get_data(as_text=True), re.S)
    assert footer is not None
    debit, credit = re.findall(r'<th class="n">([^<]*)</th>', footer.group(1))
    assert debit == credit == "¥175.50"


def test_journal_csv_downloads_every_line_and_is_audited(client):
    _, (first, second) = paid_donations(4_000, 6_000)
    user_id = sign_in_as(client, Role.FINANCE)

    response = client.get("/finance/journal.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    by_donation = {row["donation_id"] for row in rows}
    assert {first, second} <= by_donation
    assert sum(int(row["debit_fen"]) for row in rows) == sum(int(r["credit_fen"]) for r in rows)
    assert sum(int(row["debit_fen"]) for row in rows) == 10_000
    exports = audit_events(AuditAction.FINANCE_JOURNAL_EXPORT)
    assert [event.actor_id for event in exports] == [user_id]


def test_donations_csv_lists_the_gifts_asked_for_and_is_audited(client):
    _, (first, second) = paid_donations(4_000, 6_000)
    user_id = sign_in_as(client, Role.AUDITOR)

    response = client.get("/donations.csv", query_string={"status": "succeeded"})

    assert (response.status_code, response.mimetype) == (200, "text/csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert {row["捐赠编号"]: row["金额（元）"] for row in rows} == {
        first: "40.00",
        second: "60.00",
    }
    [export] = audit_events(AuditAction.DONATION_EXPORT)
    assert (export.actor_id, export.object_type, export.detail) == (
        user_id,
        "donation",
        {"count": 2, "format": "csv", "filters": {"status": "succeeded"}},
    )
