"""The home page's inbox: each role's lines count what waits for that person, each count
follows its items as they appear and go, and each links to a page listing exactly them."""

from __future__ import annotations

import html as markup
import re
from datetime import timedelta

import pytest
from flask import Flask

from core.db import db
from core.needs import services as needs
from core.people import transfers
from core.tasks.services import Assignee, create_task
from core.timeutil import local_today
from core.users import Role
from donations.disbursements.services import approve_disbursement, propose_disbursement
from donations.donors import moderation
from donations.giving.discrepancies import record_discrepancy, settle_discrepancy
from donations.giving.models import Discrepancy, DiscrepancyKind, Donation, MessageStatus
from jobs_bases.bases.hours import approve_session
from jobs_bases.jobs.referrals import record_outcome
from tests.donations.factories import (
    give,
    list_need,
    make_donation,
    make_donor,
    make_project,
    payout,
)
from tests.factories import (
    TOWN_B,
    make_need,
    make_office,
    make_person,
    make_staff,
    make_unit,
    make_user,
    need_input,
    user,
)
from tests.jobs_bases.factories import log, make_opening, make_scene, refer
from tests.pages import html, login
from tests.portal import test_web_harness as harness

web = harness.web

NEEDS_TO_REVIEW = "/needs?queue=review"
TRANSFERS = "/persons#incoming-transfers"
TASKS = "/tasks"
OFFERS_SOON = "/tasks?kind=training_offer&due=soon"
FOLLOW_UPS = "/tasks?kind=retention_follow_up"
PAYOUTS = "/disbursements?awaiting=me"
DISCREPANCIES = "/finance/reconciliation#open-discrepancies"
MODERATION = "/moderation/messages"
PENDING_HOURS = "/bases/placements?pending=hours"
REFERRALS = "/jobs/referrals?status=referred"

_CARD = re.compile(r'<a class="card[^"]*" href="([^"]+)"><span class="num">(\d+)</span>')
_QUIET = re.compile(r'<a href="([^"]+)">')


def inbox_of(app: Flask, username: str) -> dict[str, int]:
    """The user's inbox as the home page shows it: link -> count (0 for a quiet line)."""
    client = harness.new_client(app)
    login(client, username)
    page = html(client.get("/"))
    section = page[page.index('id="inbox"') : page.index("</section>", page.index('id="inbox"'))]
    counts = {markup.unescape(url): int(n) for url, n in _CARD.findall(section)}
    if 'id="inbox-quiet"' in section:
        quiet = section[section.index('id="inbox-quiet"') :]
        counts.update({markup.unescape(url): 0 for url in _QUIET.findall(quiet)})
    return counts


def page_of(app: Flask, username: str, url: str) -> str:
    client = harness.new_client(app)
    login(client, username)
    response = client.get(url)
    assert response.status_code == 200
    return html(response)


def test_a_need_waits_for_review_by_a_second_person_only(web, app, ctx):
    office = make_office()
    editor = make_user(Role.OFFICER, office.unit)
    names = [office.author.username, office.reviewer.username, editor.username]
    stranger = make_user(Role.OFFICER, make_unit(town=TOWN_B)).username
    person = make_person(office.author, office.unit)
    need_id = make_need(office.author, person).id
    needs.update_need(editor, need_id, need_input(title="康复治疗费用"))
    author, reviewer, editor_name = names
    assert inbox_of(app, reviewer)[NEEDS_TO_REVIEW] == 0

    needs.submit_need(office.author, need_id)

    assert inbox_of(app, reviewer)[NEEDS_TO_REVIEW] == 1
    # Neither its writer nor anyone who edited it, nor another office, is asked to review.
    for username in (author, editor_name, stranger):
        assert inbox_of(app, username)[NEEDS_TO_REVIEW] == 0
    assert f"/needs/{need_id}" in page_of(app, reviewer, NEEDS_TO_REVIEW)
    assert f"/needs/{need_id}" not in page_of(app, editor_name, NEEDS_TO_REVIEW)

    needs.review_need(office.reviewer, need_id, approve=True)

    assert inbox_of(app, reviewer)[NEEDS_TO_REVIEW] == 0


def test_a_transfer_waits_for_the_receiving_office_only(web, app, ctx):
    sender_office, receiver_office = make_office(), make_office(TOWN_B)
    person_id = make_person(sender_office.author, sender_office.unit).id
    sender, receiver = sender_office.author.username, receiver_office.author.username
    assert inbox_of(app, receiver)[TRANSFERS] == 0

    transfer_id = transfers.request_transfer(
        sender_office.author, person_id, receiver_office.unit_id, "搬家"
    ).id

    assert inbox_of(app, receiver)[TRANSFERS] == 1
    assert inbox_of(app, sender)[TRANSFERS] == 0
    transfers.decide_transfer(receiver_office.author, transfer_id, accept=True)
    assert inbox_of(app, receiver)[TRANSFERS] == 0


def test_a_payout_waits_for_the_other_finance_user(web, app, ctx, tmp_path):
    admin = make_staff(Role.ADMIN)
    project_id = make_project(admin)
    listing_id = list_need(make_office(), project_id, 50_000, lister=admin)
    give(project_id, 50_000, listing_id=listing_id, donor_id=make_donor())
    proposer, approver = make_staff(Role.FINANCE), make_staff(Role.FINANCE)
    auditor = make_staff(Role.AUDITOR).username
    approver_id, proposer_name, approver_name = approver.id, proposer.username, approver.username
    assert inbox_of(app, approver_name)[PAYOUTS] == 0

    proposed = propose_disbursement(proposer, payout(listing_id, 20_000), tmp_path)
    proposed_id, reference = proposed.id, proposed.reference

    assert inbox_of(app, approver_name)[PAYOUTS] == 1
    assert inbox_of(app, proposer_name)[PAYOUTS] == 0  # four eyes: never one's own
    assert PAYOUTS not in inbox_of(app, auditor)  # auditors approve nothing
    assert reference in page_of(app, approver_name, PAYOUTS)
    assert reference not in page_of(app, proposer_name, PAYOUTS)

    approve_disbursement(user(approver_id), proposed_id)

    assert inbox_of(app, approver_name)[PAYOUTS] == 0


def test_discrepancies_and_held_messages_wait_for_finance_and_the_coordinator(web, app, ctx):
    finance_id, coordinator_id = make_staff(Role.FINANCE).id, make_staff(Role.COORDINATOR).id
    finance, coordinator = user(finance_id).username, user(coordinator_id).username
    before = inbox_of(app, finance)
    assert (before[DISCREPANCIES], before[MODERATION]) == (0, 0)
    ref = make_donation(make_project(), 10_000, donor_id=make_donor())
    donation = db.session.get_one(Donation, ref.id)
    donation.message, donation.message_status = "祝早日康复", MessageStatus.REVIEW
    record_discrepancy(DiscrepancyKind.PAYMENT_DIFFERS, "pi_test_x", 10_000, provider_fen=9_000)
    db.session.commit()

    assert inbox_of(app, finance)[DISCREPANCIES] == 1
    assert inbox_of(app, finance)[MODERATION] == 1
    assert inbox_of(app, coordinator)[MODERATION] == 1
    assert DISCREPANCIES not in inbox_of(app, coordinator)

    moderation.moderate_message(user(coordinator_id), ref.id, approve=True)
    discrepancy = db.session.query(Discrepancy).one()
    settle_discrepancy(user(finance_id), discrepancy.id, "与支付机构核对后更正")

    after = inbox_of(app, finance)
    assert (after[DISCREPANCIES], after[MODERATION]) == (0, 0)


def test_base_hours_wait_for_the_officer_and_the_bases_contact(web, app, ctx):
    scene = make_scene()
    other = make_scene()
    officer, contact = scene.officer.username, scene.contact.username
    assert inbox_of(app, officer)[PENDING_HOURS] == 0

    session_id = log(scene.contact, scene.placement).id

    assert inbox_of(app, officer)[PENDING_HOURS] == 1
    assert inbox_of(app, contact)[PENDING_HOURS] == 1
    assert inbox_of(app, other.officer.username)[PENDING_HOURS] == 0
    listed = page_of(app, officer, PENDING_HOURS)
    assert f"/bases/placements/{scene.placement_id}" in listed
    assert f"/bases/placements/{other.placement_id}" not in listed

    approve_session(scene.officer, session_id)

    assert inbox_of(app, officer)[PENDING_HOURS] == 0


def test_a_referral_waits_for_an_answer_in_its_office_only(web, app, ctx):
    scene, other = make_scene(), make_scene()
    officer = scene.officer.username
    assert inbox_of(app, officer)[REFERRALS] == 0

    referral_id = refer(scene.officer, scene.person, make_opening()).id

    assert inbox_of(app, officer)[REFERRALS] == 1
    assert inbox_of(app, other.officer.username)[REFERRALS] == 0
    assert f"/jobs/referrals/{referral_id}" in page_of(app, officer, REFERRALS)

    record_outcome(scene.officer, referral_id, "not_hired", local_today())

    assert inbox_of(app, officer)[REFERRALS] == 0


def test_tasks_offers_and_follow_ups_count_for_their_office_only(web, app, ctx):
    office, other = make_office(), make_office(TOWN_B)
    today = local_today()
    for kind, due in (
        ("training_offer", today + timedelta(days=1)),
        ("training_offer", today + timedelta(days=6)),  # not about to expire yet
        ("retention_follow_up", today + timedelta(days=5)),
    ):
        create_task(
            kind=kind,
            dedupe_key=f"{kind}:{due}",
            title="Review the need %(alias)s",
            title_params={"alias": "A1"},
            link="/needs",
            assignee=Assignee.to_role(Role.OFFICER, office.unit_id),
            due_on=due,
        )
    db.session.commit()

    mine = inbox_of(app, office.author.username)
    assert (mine[TASKS], mine[OFFERS_SOON], mine[FOLLOW_UPS]) == (3, 1, 1)
    theirs = inbox_of(app, other.author.username)
    assert (theirs[TASKS], theirs[OFFERS_SOON], theirs[FOLLOW_UPS]) == (0, 0, 0)
    # Finance has no office: the tasks line is there, empty.
    assert inbox_of(app, make_staff(Role.FINANCE).username)[TASKS] == 0


def test_an_empty_inbox_says_so_in_chinese(web, app, ctx):
    finance = make_staff(Role.FINANCE)
    client = harness.new_client(app)
    login(client, finance.username)

    page = html(client.get("/"))

    assert "目前没有等您处理的事项。" in page and 'id="waiting"' not in page
    # The quiet lines still say where to look.
    assert 'href="/disbursements?awaiting=me"' in page


def test_the_most_urgent_lines_come_first(web, app, ctx):
    office = make_office()
    person = make_person(office.author, office.unit)
    needs.submit_need(office.author, make_need(office.author, person).id)
    create_task(
        kind="training_offer",
        dedupe_key="offer:urgent",
        title="Review the need %(alias)s",
        title_params={"alias": "A1"},
        link="/needs",
        assignee=Assignee.to_role(Role.OFFICER, office.unit_id),
        due_on=local_today(),
    )
    db.session.commit()

    order = list(inbox_of(app, office.reviewer.username))

    assert order.index(OFFERS_SOON) < order.index(NEEDS_TO_REVIEW) < order.index(TASKS)


@pytest.mark.parametrize("role", list(Role))
def test_every_role_has_an_inbox_on_the_home_page(web, app, ctx, role):
    user = make_staff(role)
    client = harness.new_client(app)
    login(client, user.username)

    page = html(client.get("/"))

    assert 'id="inbox"' in page and "等您处理" in page
