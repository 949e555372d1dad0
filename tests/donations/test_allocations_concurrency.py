"""Two approvals at the same moment over the same pool money: one is paid, one refused.

The rolled-back-transaction harness shares one connection, so it cannot race: this
test builds a scratch PostgreSQL database by running the migrations, commits its
data for real, and approves from two threads, each with its own app context,
session and connection.

A start barrier lines the approvals up, but one of them could still finish before
the other reads anything. So each approval, once it has read the pool's balance,
also waits (briefly) for the other to have read it too: without row locks both
read the full balance and both pay; with them the second is still waiting for the
lock, the rendezvous gives up, and the second reads the balance the first left.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import suppress

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, select

from core.db import db
from core.errors import Conflict
from core.users import Role, User
from donations.ledger.check import check_ledger
from donations.ledger.models import EntryKind, JournalEntry
from donations.ledger.services import pool_balance_fen
from donations.projects.models import NeedListing, Pool
from donations.proposals import services as allocation_service
from donations.proposals.models import AllocationProposal, ProposalStatus
from donations.proposals.services import approve_proposal, run_proposal
from tests.conftest import make_app
from tests.donations.factories import default_pool_id, give, list_need, make_project, pool_balance
from tests.factories import make_county_staff, make_office, make_staff
from tests.live import scratch_database

pytestmark = pytest.mark.postgres_only

THRESHOLD = 10_000_000
TIMEOUT_S = 60
RENDEZVOUS_S = 1.5


@pytest.fixture()
def scratch_app() -> Iterator[Flask]:
    with scratch_database("alloc_race") as url:
        app = make_app(SQLALCHEMY_DATABASE_URI=url)
        try:
            with app.app_context():
                upgrade()
            yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


@pytest.mark.parametrize("needs", ["same_need", "different_needs"])
def test_concurrent_approvals_never_spend_the_same_money_twice(scratch_app, monkeypatch, needs):
    with scratch_app.app_context():
        admin = make_staff(Role.ADMIN)
        project_id = make_project(admin)
        office = make_office()
        give(project_id, 100_000)
        pool_id = default_pool_id(project_id)
        listings = [list_need(office, project_id, 100_000, urgency=3, lister=admin)]
        proposals = [run_proposal(make_county_staff(Role.OFFICER), project_id).id]
        if needs == "different_needs":
            # A more urgent need: the second proposal spends the same money on it.
            listings.append(list_need(office, project_id, 100_000, urgency=5, lister=admin))
        proposals.append(run_proposal(make_county_staff(Role.OFFICER), project_id).id)
        funded = [
            [f["need_id"] for f in db.session.get_one(AllocationProposal, p).result["funded"]]
            for p in proposals
        ]
        assert funded == [[listings[0]], [listings[-1]]]
        approvers = [make_staff(Role.FINANCE).id for _ in range(2)]
        db.session.commit()
        db.session.remove()

    barrier = threading.Barrier(2, timeout=TIMEOUT_S)
    balance_read = threading.Barrier(2, timeout=RENDEZVOUS_S)
    outcomes: dict[int, str] = {}

    def balance_then_meet(pool: Pool) -> int:
        balance = pool_balance_fen(pool)
        # The other approval may be waiting for our locks already, as it should.
        with suppress(threading.BrokenBarrierError):
            balance_read.wait()
        return balance

    monkeypatch.setattr(allocation_service, "pool_balance_fen", balance_then_meet)

    def approve(proposal_id: int, approver_id: int) -> None:
        with scratch_app.app_context():
            try:
                approver = db.session.get_one(User, approver_id)
                db.session.rollback()  # start the race with no transaction open
                barrier.wait()
                approve_proposal(approver, proposal_id, THRESHOLD)
                outcomes[proposal_id] = "approved"
            except Conflict:
                db.session.rollback()
                outcomes[proposal_id] = "conflict"
            except Exception as error:  # reported below, not lost in the thread
                db.session.rollback()
                outcomes[proposal_id] = f"error: {error!r}"
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=approve, args=(p, a), name=f"approve-{p}")
        for p, a in zip(proposals, approvers, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT_S)
    assert not any(thread.is_alive() for thread in threads), "an approval hung"

    assert sorted(outcomes.values()) == ["approved", "conflict"], outcomes
    with scratch_app.app_context():
        statuses = sorted(
            db.session.scalars(
                select(AllocationProposal.status).where(AllocationProposal.id.in_(proposals))
            )
        )
        assert statuses == [ProposalStatus.APPROVED, ProposalStatus.PROPOSED]
        assert pool_balance(pool_id) == 0
        raised = sorted(
            db.session.scalars(select(NeedListing.raised_fen).where(NeedListing.id.in_(listings)))
        )
        assert raised == ([100_000] if needs == "same_need" else [0, 100_000])
        allocations = db.session.scalar(
            select(func.count())
            .select_from(JournalEntry)
            .where(JournalEntry.kind == EntryKind.ALLOCATION)
        )
        assert allocations == 1
        report = check_ledger()
        assert report.ok, report.problems
        db.session.remove()
