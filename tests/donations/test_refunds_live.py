"""End to end: finance asks the provider for refunds; the ledger moves only when the
provider's refund event arrives (webhook or reconciliation); money that is no longer
ours to give back is refused before the provider is asked."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db
from core.needs.models import NeedStatus
from core.needs.services import move_need_status
from core.users import Role, User
from donations.errors import RefundRefused
from donations.giving.booking import default_pool
from donations.giving.models import Refund
from donations.giving.reconciliation import reconcile
from donations.giving.refunds import request_refund
from donations.ledger.models import EntryKind
from donations.ledger.services import (
    Leg,
    disbursed_account,
    fund_balance_fen,
    need_account,
    pool_account,
    post,
)
from donations.payments.gateway import PaymentGateway, ProviderRefund
from donations.projects.models import ListingStatus, NeedListing
from tests.donations.conftest import (
    LiveStack,
    a_project_and_donor,
    donation_state,
    ended,
    ledger_ok,
    paid,
    wait_for_status,
)
from tests.donations.factories import list_need, unique
from tests.factories import audit_events, fresh, make_office, make_user


class CountingGateway:
    """The real gateway, counting the refunds it is asked for."""

    def __init__(self, inner: PaymentGateway) -> None:
        self.inner = inner
        self.publishable_key = inner.publishable_key
        self.api_base = inner.api_base
        self.provider_name = inner.provider_name
        self.refunds_asked: list[tuple[str, int]] = []

    def create_refund(
        self, intent_id: str, amount_fen: int, metadata: dict[str, str], idempotency_key: str
    ) -> ProviderRefund:
        self.refunds_asked.append((intent_id, amount_fen))
        return self.inner.create_refund(intent_id, amount_fen, metadata, idempotency_key)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.fixture()
def finance_id(live: LiveStack) -> int:
    user_id: int = ended(lambda: make_user(Role.FINANCE).id)
    return user_id


@pytest.fixture()
def gateway(live: LiveStack) -> CountingGateway:
    return CountingGateway(live.gateway)


def refund(
    gateway: PaymentGateway, finance_id: int, donation_id: str, amount_fen: int
) -> tuple[str, str | None]:
    """request_refund as the donation page calls it: (refund status, provider refund id)."""

    def run() -> tuple[str, str | None]:
        actor = db.session.get(User, finance_id)
        assert actor is not None
        made = request_refund(actor, gateway, donation_id, amount_fen, "捐赠人申请退款")
        return made.status, made.provider_refund_id

    result: tuple[str, str | None] = ended(run)
    return result


def refunds_of(donation_id: str) -> list[tuple[int, str, bool]]:
    rows: list[tuple[int, str, bool]] = ended(
        lambda: [
            (r.amount_fen, r.status, r.applied_at is not None)
            for r in db.session.scalars(
                select(Refund).where(Refund.donation_id == donation_id).order_by(Refund.id)
            )
        ]
    )
    return rows


def test_partial_then_full_refund_move_the_ledger_only_on_the_providers_word(
    live, finance_id, gateway
):
    project_id, donor_id = a_project_and_donor()
    donation = paid(live, donor_id, project_id, 10_000)
    live.set_faults(webhook_drop_rate=1.0)

    status, provider_refund_id = refund(gateway, finance_id, donation.id, 4_000)

    assert status == "pending" and provider_refund_id and provider_refund_id.startswith("re_")
    live.flush()
    state = donation_state(donation.id)
    assert (state["status"], state["refunded_fen"], state["entries"]) == ("succeeded", 0, 1)
    assert ledger_ok() == (True, [])

    report = ended(lambda: reconcile(live.gateway).report)

    assert report["differences"] == [], report
    assert all(day["provider_fen"] == day["ledger_fen"] for day in report["days"]), report

    state = donation_state(donation.id)
    assert (state["status"], state["refunded_fen"], state["entries"]) == (
        "partially_refunded",
        4_000,
        2,
    )
    live.set_faults()

    refund(gateway, finance_id, donation.id, 6_000)

    state = wait_for_status(donation.id, "refunded")
    assert (state["refunded_fen"], state["entries"]) == (10_000, 3)
    assert refunds_of(donation.id) == [(4_000, "succeeded", True), (6_000, "succeeded", True)]
    assert gateway.refunds_asked == [(donation.intent_id, 4_000), (donation.intent_id, 6_000)]
    assert ledger_ok() == (True, [])
    asked = ended(
        lambda: [
            (event.actor_id, event.detail)
            for event in audit_events(AuditAction.DONATION_REFUND_REQUEST, donation.id)
        ]
    )
    assert asked == [
        (finance_id, {"amount_fen": 4_000, "reason": "捐赠人申请退款"}),
        (finance_id, {"amount_fen": 6_000, "reason": "捐赠人申请退款"}),
    ]


def test_over_refund_is_refused_without_asking_the_provider(live, finance_id, gateway):
    project_id, donor_id = a_project_and_donor()
    donation = paid(live, donor_id, project_id, 5_000)

    with pytest.raises(RefundRefused):
        refund(gateway, finance_id, donation.id, 5_001)
    assert gateway.refunds_asked == []

    # A refund the provider has not confirmed yet still counts against what is left.
    live.switch.webhook_down = True
    refund(gateway, finance_id, donation.id, 3_000)
    with pytest.raises(RefundRefused):
        refund(gateway, finance_id, donation.id, 2_001)

    assert gateway.refunds_asked == [(donation.intent_id, 3_000)]
    assert [r[:2] for r in refunds_of(donation.id)] == [(3_000, "pending")]
    live.quiesce()
    state = wait_for_status(donation.id, "partially_refunded")
    assert state["refunded_fen"] == 3_000
    assert ledger_ok() == (True, [])


def test_refund_of_pool_money_already_allocated_is_refused(live, finance_id, gateway):
    project_id, donor_id = a_project_and_donor()
    donation = paid(live, donor_id, project_id, 10_000)

    def allocate_from_pool(amount_fen: int) -> None:
        # What an approved allocation books: pool money moves to a need.
        listing = fresh(NeedListing, list_need(make_office(), project_id, 50_000))
        post(
            EntryKind.ALLOCATION,
            unique("allocation:"),
            [
                Leg(pool_account(default_pool(project_id)), amount_fen),
                Leg(need_account(listing), -amount_fen),
            ],
        )
        listing.raised_fen += amount_fen
        db.session.commit()

    ended(lambda: allocate_from_pool(8_000))

    with pytest.raises(RefundRefused, match="allocated"):
        refund(gateway, finance_id, donation.id, 5_000)
    assert gateway.refunds_asked == []
    assert refunds_of(donation.id) == []

    refund(gateway, finance_id, donation.id, 2_000)

    state = wait_for_status(donation.id, "partially_refunded")
    assert state["refunded_fen"] == 2_000
    assert ledger_ok() == (True, [])


def pay_out(listing_id: str, amount_fen: int) -> None:
    """What an approved payout books: restricted money leaves the need; all of it, and
    the need is disbursed."""

    def run() -> None:
        row = db.session.get(NeedListing, listing_id)
        assert row is not None and row.status == ListingStatus.FUNDED
        post(
            EntryKind.DISBURSEMENT,
            unique("payout:"),
            [Leg(need_account(row), amount_fen), Leg(disbursed_account(), -amount_fen)],
        )
        if fund_balance_fen(need_account(row)) == 0:
            row.status = ListingStatus.DISBURSED
            move_need_status(row.need_id, NeedStatus.DISBURSED, Actor.system("test"))
        db.session.commit()

    ended(run)


def test_refund_of_a_designated_gift_already_paid_out_is_refused(live, finance_id, gateway):
    project_id, donor_id = a_project_and_donor()
    listing = ended(lambda: list_need(make_office(), project_id, 20_000))
    donation = paid(live, donor_id, project_id, 20_000, listing)
    pay_out(listing, 20_000)

    with pytest.raises(RefundRefused, match="paid out"):
        refund(gateway, finance_id, donation.id, 1_000)

    assert gateway.refunds_asked == []
    assert donation_state(donation.id)["status"] == "succeeded"
    assert ledger_ok() == (True, [])


def test_refund_beyond_what_a_partly_paid_out_need_still_holds_is_refused(
    live, finance_id, gateway
):
    project_id, donor_id = a_project_and_donor()
    listing = ended(lambda: list_need(make_office(), project_id, 20_000))
    donation = paid(live, donor_id, project_id, 20_000, listing)
    pay_out(listing, 15_000)  # the need stays funded: 5,000 still to pay out

    with pytest.raises(RefundRefused, match="paid out"):
        refund(gateway, finance_id, donation.id, 10_000)
    assert gateway.refunds_asked == []

    refund(gateway, finance_id, donation.id, 5_000)

    state = wait_for_status(donation.id, "partially_refunded")
    assert state["refunded_fen"] == 5_000
    assert ended(lambda: fresh(NeedListing, listing).raised_fen) == 15_000
    assert ledger_ok() == (True, [])
