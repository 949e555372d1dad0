"""Four eyes on allocation: a finance user who did not propose approves, above the
threshold an admin too; approval moves pool money to the needs, once."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core.audit_actions import AuditAction
from core.db import db
from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.needs.models import NeedStatus
from core.users import Role, User
from donations.ledger.check import check_ledger
from donations.ledger.models import EntryKind
from donations.projects.models import ListingStatus, NeedListing
from donations.projects.queries import pool_summaries
from donations.proposals.models import AllocationProposal, ProposalStatus
from donations.proposals.services import approve_proposal, reject_proposal, run_proposal
from tests.donations.factories import (
    default_pool_id,
    entries_of_kind,
    give,
    ledger_size,
    list_need,
    make_donor,
    make_project,
    need_balance,
    need_status,
    outbox,
    pool_balance,
)
from tests.factories import (
    audit_events,
    audit_trail,
    fresh,
    make_county_staff,
    make_office,
    make_staff,
)

pytestmark = pytest.mark.usefixtures("ctx")

HIGH = 10_000_000  # threshold no test proposal reaches
LOW = 50_000  # threshold the ¥1,200 proposal is above


@pytest.fixture()
def money():
    """A pool of ¥2,000 and two needs it can fully fund (¥1,200 in all), one half-raised."""
    admin = make_staff(Role.ADMIN)
    project_id = make_project(admin)
    office = make_office()
    give(project_id, 200_000)
    donor = make_donor()
    half = list_need(office, project_id, 80_000, urgency=5, lister=admin)
    gift = give(project_id, 40_000, listing_id=half, donor_id=donor)
    whole = list_need(office, project_id, 80_000, lister=admin)
    proposer = make_county_staff(Role.OFFICER)
    return {
        "project_id": project_id,
        "pool": default_pool_id(project_id),
        "half": half,
        "whole": whole,
        "gift": gift,
        "donor": donor,
        "proposer": proposer,
        "proposal": run_proposal(proposer, project_id).id,
    }


def _refused(call: Callable[[], object], error: type[Exception] = PermissionDenied) -> None:
    """The call is refused and changes nothing (its transaction is rolled back)."""
    before = ledger_size()
    with pytest.raises(error):
        call()
    db.session.rollback()
    assert ledger_size() == before


def _status(proposal_id: int) -> str:
    return str(fresh(AllocationProposal, proposal_id).status)


def test_finance_approval_moves_pool_money_to_the_needs(money):
    proposal = fresh(AllocationProposal, money["proposal"])
    assert proposal.total_fen == 120_000
    finance = make_staff(Role.FINANCE)

    approve_proposal(finance, money["proposal"], HIGH)

    proposal = fresh(AllocationProposal, money["proposal"])
    assert proposal.status == ProposalStatus.APPROVED
    assert proposal.first_approver_id == finance.id
    assert proposal.decided_at is not None
    assert pool_balance(money["pool"]) == 200_000 - 120_000
    for listing_id in (money["half"], money["whole"]):
        listing = fresh(NeedListing, listing_id)
        assert (listing.raised_fen, listing.status) == (80_000, ListingStatus.FUNDED)
        assert need_balance(listing_id) == 80_000
        assert need_status(listing_id) == NeedStatus.FUNDED
    assert len(entries_of_kind(EntryKind.ALLOCATION)) == 2
    # The donor of the half is told the need is now funded.
    assert outbox("need_funded") == {money["gift"]: money["donor"]}
    report = check_ledger()
    assert report.ok, report.problems


def test_a_gift_since_the_proposal_makes_it_stale():
    admin = make_staff(Role.ADMIN)
    project_id = make_project(admin)
    office = make_office()
    give(project_id, 50_000)
    small = list_need(office, project_id, 50_000, lister=admin)
    proposal = run_proposal(make_county_staff(Role.OFFICER), project_id)
    # A gift lands after the proposal: the need has less room than the proposal gives.
    give(project_id, 10_000, listing_id=small)

    _refused(lambda: approve_proposal(make_staff(Role.FINANCE), proposal.id, HIGH), Conflict)
    assert fresh(NeedListing, small).raised_fen == 10_000


def test_the_proposer_cannot_decide_on_their_own_proposal(money):
    proposer: User = money["proposer"]
    _refused(lambda: approve_proposal(proposer, money["proposal"], HIGH))
    _refused(lambda: reject_proposal(proposer, money["proposal"], "不合适"))
    # Not even after moving to finance.
    proposer = db.session.get_one(User, proposer.id)
    proposer.role = Role.FINANCE
    db.session.commit()
    _refused(lambda: approve_proposal(proposer, money["proposal"], HIGH))
    _refused(lambda: reject_proposal(proposer, money["proposal"], "不合适"))
    assert _status(money["proposal"]) == ProposalStatus.PROPOSED


@pytest.mark.parametrize(
    "role", [Role.OFFICER, Role.SOCIAL_WORKER, Role.ADMIN, Role.AUDITOR, Role.COORDINATOR]
)
def test_only_finance_gives_the_first_approval(money, role):
    _refused(lambda: approve_proposal(make_staff(role), money["proposal"], HIGH))
    assert _status(money["proposal"]) == ProposalStatus.PROPOSED
    assert fresh(AllocationProposal, money["proposal"]).first_approver_id is None


def test_above_the_threshold_the_proposal_waits_for_an_admin(money):
    finance = make_staff(Role.FINANCE)
    before = ledger_size()

    approve_proposal(finance, money["proposal"], LOW)

    assert _status(money["proposal"]) == ProposalStatus.AWAITING_SECOND
    assert ledger_size() == before
    assert pool_balance(money["pool"]) == 200_000
    # Another finance user is not enough; an admin is.
    _refused(lambda: approve_proposal(make_staff(Role.FINANCE), money["proposal"], LOW))
    admin = make_staff(Role.ADMIN)
    approve_proposal(admin, money["proposal"], LOW)

    proposal = fresh(AllocationProposal, money["proposal"])
    assert proposal.status == ProposalStatus.APPROVED
    assert (proposal.first_approver_id, proposal.second_approver_id) == (finance.id, admin.id)
    assert pool_balance(money["pool"]) == 80_000
    assert check_ledger().ok


def test_at_the_threshold_one_approval_is_enough(money):
    approve_proposal(make_staff(Role.FINANCE), money["proposal"], 120_000)
    assert _status(money["proposal"]) == ProposalStatus.APPROVED


def test_the_first_approver_cannot_give_the_second_approval(money):
    finance = make_staff(Role.FINANCE)
    approve_proposal(finance, money["proposal"], LOW)
    # Even promoted to admin, the same person cannot be both pairs of eyes.
    finance = db.session.get_one(User, finance.id)
    finance.role = Role.ADMIN
    db.session.commit()

    _refused(lambda: approve_proposal(finance, money["proposal"], LOW))
    assert _status(money["proposal"]) == ProposalStatus.AWAITING_SECOND
    assert pool_balance(money["pool"]) == 200_000


def test_rejection_needs_a_reason_and_moves_nothing(money):
    finance = make_staff(Role.FINANCE)
    _refused(lambda: reject_proposal(finance, money["proposal"], "   "), ValidationFailed)
    _refused(lambda: reject_proposal(make_staff(Role.OFFICER), money["proposal"], "不合适"))
    before = ledger_size()

    reject_proposal(finance, money["proposal"], "  先等本月捐赠入账  ")

    proposal = fresh(AllocationProposal, money["proposal"])
    assert proposal.status == ProposalStatus.REJECTED
    assert (proposal.rejected_by_id, proposal.rejection_reason) == (finance.id, "先等本月捐赠入账")
    assert ledger_size() == before
    assert fresh(NeedListing, money["whole"]).raised_fen == 0


def test_an_admin_may_reject_while_the_second_approval_is_awaited(money):
    approve_proposal(make_staff(Role.FINANCE), money["proposal"], LOW)
    reject_proposal(make_staff(Role.ADMIN), money["proposal"], "金额过大")
    assert _status(money["proposal"]) == ProposalStatus.REJECTED
    assert pool_balance(money["pool"]) == 200_000


@pytest.mark.parametrize("first", ["approve", "reject"])
def test_a_decided_proposal_cannot_be_decided_again(money, first):
    finance = make_staff(Role.FINANCE)
    if first == "approve":
        approve_proposal(finance, money["proposal"], HIGH)
    else:
        reject_proposal(finance, money["proposal"], "不合适")
    decided = _status(money["proposal"])
    other = make_staff(Role.FINANCE)

    _refused(lambda: approve_proposal(other, money["proposal"], HIGH), Conflict)
    _refused(lambda: approve_proposal(make_staff(Role.ADMIN), money["proposal"], HIGH), Conflict)
    _refused(lambda: reject_proposal(other, money["proposal"], "再看看"), Conflict)
    assert _status(money["proposal"]) == decided
    assert len(entries_of_kind(EntryKind.ALLOCATION)) == (2 if first == "approve" else 0)


def test_a_second_proposal_on_the_same_balances_is_stale(money):
    finance = make_staff(Role.FINANCE)
    second = run_proposal(make_county_staff(), money["project_id"]).id
    assert (
        fresh(AllocationProposal, second).result
        == fresh(AllocationProposal, money["proposal"]).result
    )

    approve_proposal(finance, money["proposal"], HIGH)
    before = ledger_size()
    pool_before = pool_balance(money["pool"])

    _refused(lambda: approve_proposal(make_staff(Role.FINANCE), second, HIGH), Conflict)
    assert ledger_size() == before
    assert pool_balance(money["pool"]) == pool_before
    assert _status(second) == ProposalStatus.PROPOSED
    assert fresh(NeedListing, money["whole"]).raised_fen == 80_000
    assert check_ledger().ok


def test_a_pool_spent_by_another_proposal_refuses_approval():
    """Two proposals over the same money for different needs: only one is paid."""
    admin = make_staff(Role.ADMIN)
    project_id = make_project(admin)
    office = make_office()
    give(project_id, 60_000)
    a = list_need(office, project_id, 60_000, urgency=3, lister=admin)
    first = run_proposal(make_county_staff(Role.OFFICER), project_id).id
    # A more urgent need arrives; a new proposal on the same balances picks it instead.
    b = list_need(office, project_id, 60_000, urgency=5, lister=admin)
    second = run_proposal(make_county_staff(Role.OFFICER), project_id).id
    assert [f["need_id"] for f in fresh(AllocationProposal, first).result["funded"]] == [a]
    assert [f["need_id"] for f in fresh(AllocationProposal, second).result["funded"]] == [b]
    approve_proposal(make_staff(Role.FINANCE), second, HIGH)
    before = ledger_size()

    # Need a still has room; only the pool's balance stands in the way.
    _refused(lambda: approve_proposal(make_staff(Role.FINANCE), first, HIGH), Conflict)
    assert ledger_size() == before
    assert pool_balance(default_pool_id(project_id)) == 0
    assert fresh(NeedListing, a).raised_fen == 0
    assert _status(first) == ProposalStatus.PROPOSED
    assert check_ledger().ok


def test_each_decision_on_a_proposal_is_on_the_record_with_who_took_it(money):
    proposal_id, proposer_id = money["proposal"], money["proposer"].id
    finance, admin = make_staff(Role.FINANCE), make_staff(Role.ADMIN)

    approve_proposal(finance, proposal_id, LOW)
    approve_proposal(admin, proposal_id, LOW)

    assert audit_trail("allocation_proposal", proposal_id) == [
        (AuditAction.ALLOCATION_PROPOSE, proposer_id),
        (AuditAction.ALLOCATION_FIRST_APPROVAL, finance.id),
        (AuditAction.ALLOCATION_APPROVE, admin.id),
    ]
    [proposed] = audit_events(AuditAction.ALLOCATION_PROPOSE, proposal_id)
    assert proposed.detail == {"total_fen": 120_000, "funded": 2}
    [approved] = audit_events(AuditAction.ALLOCATION_APPROVE, proposal_id)
    assert approved.detail == {"total_fen": 120_000}
    # The needs it completed are funded, and the record says so.
    for listing_id in (money["half"], money["whole"]):
        assert (
            len(audit_events(AuditAction.NEED_FUNDED, fresh(NeedListing, listing_id).need_id)) == 1
        )


def test_a_rejection_is_on_the_record_with_its_reason(money):
    finance = make_staff(Role.FINANCE)

    reject_proposal(finance, money["proposal"], "  先等本月捐赠入账  ")

    [rejected] = audit_events(AuditAction.ALLOCATION_REJECT, money["proposal"])
    assert (rejected.actor_id, rejected.detail) == (finance.id, {"reason": "先等本月捐赠入账"})


def test_the_pool_history_names_the_gift_and_the_needs_not_codes(money):
    approve_proposal(make_staff(Role.FINANCE), money["proposal"], HIGH)
    titles = {fresh(NeedListing, money[key]).need.title for key in ("half", "whole")}

    [pool] = [s for s in pool_summaries() if s.pool.id == money["pool"]]

    allocations = [line for line in pool.history if line.kind == EntryKind.ALLOCATION]
    gifts = [line for line in pool.history if line.kind == EntryKind.DONATION_RECEIVED]
    assert len(allocations) == 2 and {line.need_title for line in allocations} == titles
    assert [line.certificate_no is not None for line in gifts] == [True]
    assert all(line.need_title is None for line in gifts)
