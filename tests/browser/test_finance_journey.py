"""Money in the browser: finance approves an allocation proposal, records a payout with
its evidence file, and a second finance user approves the payout."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser
from sqlalchemy import select

from core.db import db
from core.users import User
from donations.demo import PROJECT_TITLE
from donations.disbursements.models import Disbursement
from donations.ledger.services import need_balance_fen
from donations.projects.models import NeedListing, Project
from donations.proposals.services import run_proposal
from tests.browser.journey import journey, object_id
from tests.browser.stack import Portal
from tests.donations.factories import give

pytestmark = pytest.mark.browser


def _proposal_on_gifts(portal: Portal) -> int:
    """Gifts to the demo project's pool, and the social worker's proposal to allocate them
    (under the amount that would also need an admin's approval)."""

    def work() -> int:
        project_id = db.session.scalars(
            select(Project.id).where(Project.title == PROJECT_TITLE)
        ).one()
        for amount_fen in (1_200_000, 900_000, 600_000):
            give(project_id, amount_fen)
        social_worker = db.session.scalars(
            select(User).where(User.username == "social-worker")
        ).one()
        return run_proposal(social_worker, project_id).id

    return portal.run(work)


def _receipt(folder: Path) -> Path:
    path = folder / "bank-receipt.png"
    image = Image.new("RGB", (240, 120), (255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_finance_approves_allocates_pays_out_and_a_second_user_approves_in_the_browser(
    chromium: Browser, portal: Portal, tmp_path: Path
) -> None:
    proposal_id = _proposal_on_gifts(portal)
    reference = f"BR-{uuid.uuid4().hex[:10]}"
    with journey(chromium, portal, "finance") as trip:
        finance = trip.sign_in("finance")
        finance.goto("/allocations")
        finance.locator(f"a[href='/allocations/{proposal_id}']").first.click()
        assert object_id(finance, r"/allocations/(\d+)$") == proposal_id
        trip.shot(finance, "proposal")
        trip.submit(finance, finance.locator("form:has(input[value=approve]) [type=submit]"))
        trip.flash(finance)
        assert finance.locator("form:has(input[value=approve])").count() == 0
        trip.shot(finance, "proposal-approved")

        finance.goto("/disbursements")
        listing_id = finance.locator("#listing_id").input_value()
        assert listing_id, "the allocation funded no need to pay out"
        balance_fen = portal.run(
            lambda: need_balance_fen(db.session.get_one(NeedListing, listing_id))
        )
        finance.fill("#amount", f"{balance_fen / 100:.2f}")
        finance.select_option("#method", "bank_transfer")
        finance.fill("#payee", "开平市中心医院")
        finance.fill("#reference", reference)
        finance.fill("#paid_on", finance.evaluate("new Date().toISOString().slice(0, 10)"))
        finance.set_input_files("#evidence", str(_receipt(tmp_path)))
        trip.shot(finance, "payout-form")
        trip.submit(finance, finance.locator("form[enctype] [type=submit]"))
        trip.flash(finance)
        row = finance.locator("#payouts tr", has_text=reference)
        assert row.count() == 1
        assert row.locator("a[href$='/evidence']").inner_text() == "bank-receipt.png"
        # The one who recorded it cannot approve it.
        assert row.locator("input[value=approve]").count() == 0
        trip.shot(finance, "payout-recorded")

        second = trip.sign_in("finance-2")
        second.goto("/disbursements")
        row = second.locator("#payouts tr", has_text=reference)
        approve = row.locator("form:has(input[value=approve])")
        # Approving a payout cannot be undone: the form asks for the box to be ticked.
        approve.locator("input[type=checkbox]").check()
        trip.shot(second, "payout-to-approve")
        trip.submit(second, approve.locator("[type=submit]"))
        trip.flash(second)
        row = second.locator("#payouts tr", has_text=reference)
        assert row.locator("input[value=approve]").count() == 0
        assert "慈善会财务（乙）" in row.inner_text()
        trip.shot(second, "payout-approved")

    status = portal.run(
        lambda: db.session.scalars(
            select(Disbursement.status).where(Disbursement.reference == reference)
        ).one()
    )
    assert status == "approved"
