"""Payouts of funded needs: one finance user proposes with evidence, another approves."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from core.audit_actions import AuditAction
from core.db import db
from core.errors import Conflict, PermissionDenied
from core.needs.models import NeedStatus
from core.people.models import Person
from core.timeutil import to_local
from core.users import Role
from donations.disbursements.evidence import MAX_EVIDENCE_BYTES
from donations.disbursements.models import Disbursement, DisbursementStatus
from donations.disbursements.services import (
    approve_disbursement,
    propose_disbursement,
    reject_disbursement,
)
from donations.donors.impact import impact_feed
from donations.errors import InvalidField
from donations.giving.booking import apply_refund
from donations.giving.models import Donation
from donations.ledger.check import check_ledger
from donations.ledger.models import EntryKind
from donations.ledger.services import disbursed_account, fund_balance_fen
from donations.projects.models import ListingStatus, NeedListing
from tests.donations.factories import (
    GIF,
    JPEG,
    PDF,
    PNG,
    TEXT,
    all_entries,
    disbursement_count,
    entries_of_kind,
    files_in,
    give,
    ledger_size,
    list_need,
    make_donor,
    make_project,
    need_balance,
    need_status,
    outbox,
    payout,
)
from tests.factories import (
    TOWN_A,
    TOWN_B,
    audit_events,
    audit_trail,
    fresh,
    make_office,
    make_staff,
)
from tests.reports_support import money_scenario

pytestmark = pytest.mark.usefixtures("ctx")


@pytest.fixture()
def evidence_dir(tmp_path: Path) -> Path:
    return tmp_path / "evidence"


@pytest.fixture()
def funded():
    """A ¥1,000 need funded by two donors' gifts, and two finance users."""
    admin = make_staff(Role.ADMIN)
    project_id = make_project(admin)
    office = make_office()
    listing_id = list_need(office, project_id, 100_000, category="education", lister=admin)
    donors = [make_donor(), make_donor()]
    gifts = [
        give(project_id, 60_000, listing_id=listing_id, donor_id=donors[0]),
        give(project_id, 40_000, listing_id=listing_id, donor_id=donors[1]),
    ]
    assert fresh(NeedListing, listing_id).status == ListingStatus.FUNDED
    return {
        "admin": admin,
        "office": office,
        "project_id": project_id,
        "listing": listing_id,
        "gifts": dict(zip(gifts, donors, strict=True)),
        "finance": make_staff(Role.FINANCE),
        "other_finance": make_staff(Role.FINANCE),
    }


def _refused(call: Callable[[], object], error: type[Exception]) -> Any:
    before = (ledger_size(), disbursement_count())
    with pytest.raises(error) as caught:
        call()
    db.session.rollback()
    assert (ledger_size(), disbursement_count()) == before
    return caught.value


def test_two_partial_payouts_disburse_the_need_and_tell_its_donors(funded, evidence_dir):
    listing_id = funded["listing"]
    first = propose_disbursement(funded["finance"], payout(listing_id, 30_000), evidence_dir)
    assert first.status == DisbursementStatus.PROPOSED
    assert need_balance(listing_id) == 100_000  # proposing moves nothing

    approve_disbursement(funded["other_finance"], first.id)

    assert need_balance(listing_id) == 70_000
    assert fresh(NeedListing, listing_id).status == ListingStatus.FUNDED
    assert need_status(listing_id) == NeedStatus.FUNDED
    assert outbox("paid_out") == {}

    # The rest, with the roles swapped: it is "another person", not a fixed approver.
    second = propose_disbursement(
        funded["other_finance"],
        payout(listing_id, 70_000, name="发票.png", content=PNG),
        evidence_dir,
    )
    approve_disbursement(funded["finance"], second.id)

    assert need_balance(listing_id) == 0
    assert fresh(NeedListing, listing_id).status == ListingStatus.DISBURSED
    assert need_status(listing_id) == NeedStatus.DISBURSED
    assert fund_balance_fen(disbursed_account()) == 100_000
    paid = fresh(Disbursement, second.id)
    assert (paid.status, paid.approved_by_id) == (DisbursementStatus.APPROVED, funded["finance"].id)
    assert paid.decided_at is not None
    assert [e.source_key for e in entries_of_kind(EntryKind.DISBURSEMENT)] == [
        f"disbursement:{first.id}",
        f"disbursement:{second.id}",
    ]
    assert outbox("paid_out") == funded["gifts"]
    report = check_ledger()
    assert report.ok, report.problems


def test_payouts_are_on_the_record_with_who_proposed_and_who_decided(funded, evidence_dir):
    listing_id, finance, other = funded["listing"], funded["finance"], funded["other_finance"]
    turned_down = propose_disbursement(finance, payout(listing_id, 30_000), evidence_dir)
    reject_disbursement(other, turned_down.id, "发票抬头不符")
    paid = propose_disbursement(other, payout(listing_id, 100_000), evidence_dir)
    approve_disbursement(finance, paid.id)

    assert audit_trail("disbursement", turned_down.id) == [
        (AuditAction.DISBURSEMENT_PROPOSE, finance.id),
        (AuditAction.DISBURSEMENT_REJECT, other.id),
    ]
    assert audit_trail("disbursement", paid.id) == [
        (AuditAction.DISBURSEMENT_PROPOSE, other.id),
        (AuditAction.DISBURSEMENT_APPROVE, finance.id),
    ]
    [proposed] = audit_events(AuditAction.DISBURSEMENT_PROPOSE, paid.id)
    assert proposed.detail == {"amount_fen": 100_000, "listing": listing_id}
    need_id = fresh(NeedListing, listing_id).need_id
    [disbursed] = audit_events(AuditAction.NEED_DISBURSED, need_id)
    assert disbursed.actor_id == finance.id


def test_nobody_approves_their_own_payout(funded, evidence_dir):
    proposed = propose_disbursement(
        funded["finance"], payout(funded["listing"], 30_000), evidence_dir
    )
    _refused(lambda: approve_disbursement(funded["finance"], proposed.id), PermissionDenied)
    _refused(lambda: reject_disbursement(funded["finance"], proposed.id, "重复"), PermissionDenied)
    assert fresh(Disbursement, proposed.id).status == DisbursementStatus.PROPOSED
    assert need_balance(funded["listing"]) == 100_000


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR, Role.OFFICER, Role.COORDINATOR])
def test_only_finance_records_and_approves_payouts(funded, evidence_dir, role):
    someone = make_staff(role)
    _refused(
        lambda: propose_disbursement(someone, payout(funded["listing"], 30_000), evidence_dir),
        PermissionDenied,
    )
    proposed = propose_disbursement(
        funded["finance"], payout(funded["listing"], 30_000), evidence_dir
    )
    _refused(lambda: approve_disbursement(someone, proposed.id), PermissionDenied)
    assert fresh(Disbursement, proposed.id).status == DisbursementStatus.PROPOSED


@pytest.mark.parametrize("amount", [0, -100, 100_001])
def test_the_amount_is_at_most_what_the_need_holds(funded, evidence_dir, amount):
    error = _refused(
        lambda: propose_disbursement(
            funded["finance"], payout(funded["listing"], amount), evidence_dir
        ),
        InvalidField,
    )
    assert error.field == "amount"
    assert files_in(evidence_dir) == []


def test_proposed_payouts_reserve_what_they_will_take(funded, evidence_dir):
    listing_id = funded["listing"]
    propose_disbursement(funded["finance"], payout(listing_id, 60_000), evidence_dir)
    _refused(
        lambda: propose_disbursement(funded["finance"], payout(listing_id, 40_001), evidence_dir),
        InvalidField,
    )
    propose_disbursement(funded["finance"], payout(listing_id, 40_000), evidence_dir)
    assert disbursement_count() == 2


def test_a_need_that_is_not_funded_is_not_paid_out(funded, evidence_dir):
    half = list_need(funded["office"], funded["project_id"], 80_000, lister=funded["admin"])
    give(funded["project_id"], 40_000, listing_id=half)

    _refused(
        lambda: propose_disbursement(funded["finance"], payout(half, 10_000), evidence_dir),
        Conflict,
    )
    assert files_in(evidence_dir) == []


def test_a_disbursed_need_takes_no_further_payout(funded, evidence_dir):
    listing_id = funded["listing"]
    whole = propose_disbursement(funded["finance"], payout(listing_id, 100_000), evidence_dir)
    approve_disbursement(funded["other_finance"], whole.id)

    _refused(
        lambda: propose_disbursement(funded["finance"], payout(listing_id, 1), evidence_dir),
        Conflict,
    )


def test_a_need_reopened_by_a_refund_is_not_paid_out(funded, evidence_dir):
    listing_id = funded["listing"]
    proposed = propose_disbursement(funded["finance"], payout(listing_id, 50_000), evidence_dir)
    # The provider refunds one gift after the payout was proposed: the need is short again.
    second_gift = list(funded["gifts"])[1]
    assert apply_refund(fresh(Donation, second_gift), "re_test_1", 40_000)
    db.session.commit()
    assert fresh(NeedListing, listing_id).status == ListingStatus.PUBLISHED
    [reopened] = audit_events(AuditAction.NEED_PUBLISHED, fresh(NeedListing, listing_id).need_id)
    assert (reopened.actor_label, reopened.object_type) == ("payments", "need")

    _refused(lambda: approve_disbursement(funded["other_finance"], proposed.id), Conflict)
    assert fresh(Disbursement, proposed.id).status == DisbursementStatus.PROPOSED
    assert need_balance(listing_id) == 60_000
    assert check_ledger().ok


def test_a_decided_payout_cannot_be_decided_again(funded, evidence_dir):
    listing_id = funded["listing"]
    approved = propose_disbursement(funded["finance"], payout(listing_id, 30_000), evidence_dir)
    approve_disbursement(funded["other_finance"], approved.id)
    rejected = propose_disbursement(funded["finance"], payout(listing_id, 30_000), evidence_dir)
    third = make_staff(Role.FINANCE)
    _refused(lambda: reject_disbursement(third, rejected.id, " "), InvalidField)
    reject_disbursement(third, rejected.id, "发票金额不符")

    for payout_id in (approved.id, rejected.id):
        _refused(partial(approve_disbursement, third, payout_id), Conflict)
        _refused(partial(reject_disbursement, third, payout_id, "再看看"), Conflict)
    assert fresh(Disbursement, rejected.id).rejection_reason == "发票金额不符"
    assert need_balance(listing_id) == 70_000


# -- evidence ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("receipt.pdf", TEXT, id="text-renamed-pdf"),
        pytest.param("receipt.gif", GIF, id="gif"),
        pytest.param("receipt.pdf", GIF, id="gif-renamed-pdf"),
        pytest.param("receipt.pdf", PDF + b"0" * MAX_EVIDENCE_BYTES, id="over-5mb"),
        pytest.param("receipt.pdf", b"", id="empty"),
        pytest.param("../x.pdf", PDF, id="parent-path"),
        pytest.param("a/b.png", PNG, id="subdirectory"),
        pytest.param("C:\\x.png", PNG, id="windows-path"),
        pytest.param("/etc/x.jpg", JPEG, id="absolute-path"),
        pytest.param("..", PDF, id="dot-dot"),
        pytest.param("", PDF, id="no-name"),
    ],
)
def test_bad_evidence_is_refused_and_nothing_is_saved(funded, evidence_dir, name, content):
    data = payout(funded["listing"], 30_000, name=name, content=content)

    error = _refused(
        lambda: propose_disbursement(funded["finance"], data, evidence_dir), InvalidField
    )

    assert error.field == "evidence"
    assert files_in(evidence_dir) == []
    assert files_in(evidence_dir.parent) == []


@pytest.mark.parametrize(
    ("name", "content", "mime", "suffix"),
    [
        ("收据.pdf", PDF, "application/pdf", ".pdf"),
        ("photo.JPG", JPEG, "image/jpeg", ".jpg"),
        ("scan.png", PNG, "image/png", ".png"),
    ],
)
def test_valid_evidence_is_stored_under_a_name_of_our_own(
    funded, evidence_dir, name, content, mime, suffix
):
    proposed = propose_disbursement(
        funded["finance"],
        payout(funded["listing"], 30_000, name=name, content=content),
        evidence_dir,
    )

    stored = files_in(evidence_dir)
    assert stored == [evidence_dir / proposed.evidence_path]
    assert stored[0].read_bytes() == content
    assert stored[0].name != name
    assert stored[0].suffix == suffix
    assert (proposed.evidence_mime, proposed.evidence_name) == (mime, name)
    assert proposed.evidence_sha256 == hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize(
    ("name", "content", "shown_as"),
    [
        # The content decides, not the name: a PNG called evil.html must not open as a page.
        pytest.param("evil.html", PNG, "evil.png", id="png-named-html"),
        pytest.param("scan.pdf", PNG, "scan.png", id="png-named-pdf"),
        pytest.param("收据", PDF, "收据.pdf", id="no-extension"),
        pytest.param("photo.jpeg", JPEG, "photo.jpeg", id="jpeg-kept"),
        pytest.param("report.tar.pdf", JPEG, "report.tar.jpg", id="last-extension"),
        pytest.param("x" * 160, PNG, "x" * 156 + ".png", id="longest-name"),
    ],
)
def test_evidence_is_named_with_the_extension_of_its_content(
    funded, evidence_dir, name, content, shown_as
):
    proposed = propose_disbursement(
        funded["finance"],
        payout(funded["listing"], 30_000, name=name, content=content),
        evidence_dir,
    )

    assert fresh(Disbursement, proposed.id).evidence_name == shown_as


def test_the_journal_never_names_the_payee(funded, evidence_dir):
    proposed = propose_disbursement(
        funded["finance"], payout(funded["listing"], 100_000), evidence_dir
    )
    payee = proposed.payee

    approve_disbursement(funded["other_finance"], proposed.id)

    memos = [entry.memo for entry in all_entries()]
    assert memos and all(payee not in memo for memo in memos), memos
    [paid_out] = entries_of_kind(EntryKind.DISBURSEMENT)
    assert paid_out.memo == f"payout {proposed.id}"


def test_evidence_of_exactly_5_mb_is_accepted(funded, evidence_dir):
    content = PDF + b"0" * (MAX_EVIDENCE_BYTES - len(PDF))
    proposed = propose_disbursement(
        funded["finance"], payout(funded["listing"], 30_000, content=content), evidence_dir
    )
    assert (evidence_dir / proposed.evidence_path).stat().st_size == MAX_EVIDENCE_BYTES


# -- the public impact feed -------------------------------------------------------------------


def test_the_impact_feed_lists_payouts_anonymously_and_never_a_minors(funded, evidence_dir):
    adult = funded["listing"]
    later_minor = list_need(funded["office"], funded["project_id"], 20_000, lister=funded["admin"])
    give(funded["project_id"], 20_000, listing_id=later_minor)
    for listing_id, amount in ((adult, 100_000), (later_minor, 20_000)):
        proposed = propose_disbursement(funded["finance"], payout(listing_id, amount), evidence_dir)
        approve_disbursement(funded["other_finance"], proposed.id)
    # A corrected birth date shows the second person was a minor when the case began
    # (update_person sets the flag for good).
    person = fresh(Person, fresh(NeedListing, later_minor).need.person_id)
    person.is_minor = True
    db.session.commit()

    items, cursor = impact_feed(10, None)

    listing = fresh(NeedListing, adult)
    entry = entries_of_kind(EntryKind.DISBURSEMENT)[0]
    assert cursor is None
    # One adult paid out: no town, category or alias of theirs counts 3 people.
    assert items == [
        {
            "id": f"imp_{entry.id}",
            "alias": None,
            "category": None,
            "town": None,
            "amount_fen": 100_000,
            "month": to_local(entry.posted_at).strftime("%Y-%m"),
        }
    ]
    assert listing.need.alias and listing.need.person.town == funded["office"].town


def test_the_impact_feed_shows_nothing_that_counts_fewer_than_3_people(tmp_path):
    """Three people of 三埠街道 paid for education: their lines show it all. 赤坎镇's one
    education payout shows only the category (4 people); its two medical payouts only the
    town (3 people there, 2 paid for medical)."""
    scene = money_scenario({TOWN_B: 3, TOWN_A: 1}, tmp_path)
    money_scenario({TOWN_A: 2}, tmp_path, category="medical", project_id=scene.project_id)
    aliases = {
        listing_id: fresh(NeedListing, listing_id).need.alias
        for listings in scene.listings.values()
        for listing_id in listings
    }

    items, _cursor = impact_feed(20, None)

    assert len(items) == 6
    shown = sorted((i["town"] or "", i["category"] or "", i["alias"] is not None) for i in items)
    assert shown == sorted(
        [
            ("", "education", False),
            (TOWN_A, "", False),
            (TOWN_A, "", False),
            (TOWN_B, "education", True),
            (TOWN_B, "education", True),
            (TOWN_B, "education", True),
        ]
    )
    shown_aliases = {i["alias"] for i in items if i["alias"]}
    assert shown_aliases == {aliases[listing_id] for listing_id in scene.listings[TOWN_B]}
    # A page of two still counts the people of every page.
    first, cursor = impact_feed(2, None)
    second, _ = impact_feed(4, cursor)
    assert first + second == items
