"""Officers' notices: a need's step queues a message on the office channel in its own
transaction; delivery makes one notice per officer of the office, once however often it
runs; the officer reads it on /notices and the inbox's unread count follows; nothing
identifying is carried, and another office never sees it."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from core.audit import Actor
from core.db import db
from core.needs import services as needs
from core.needs.models import NeedStatus
from core.notices.models import Notice
from core.notices.services import (
    OFFICE_CHANNEL,
    OfficeNoticeSender,
    deliver_office_notices,
    unread_count,
)
from core.outbox import MessageStatus, OutboxMessage, queue_message
from core.users import Role
from donations.disbursements.services import approve_disbursement, propose_disbursement
from donations.projects.models import NeedListing
from portal.jobs import scheduled_jobs
from tests.donations.factories import give, list_need, make_donor, make_project, payout
from tests.factories import (
    TOWN_B,
    fresh,
    make_office,
    make_person,
    make_staff,
    make_user,
    need_input,
    user,
)
from tests.pages import html, login
from tests.portal import test_web_harness as harness

web = harness.web

NAME, PHONE = "黄文华", "13912345678"


def office_messages(kind: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.channel == OFFICE_CHANNEL)
    if kind is not None:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def notice_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Notice)) or 0


def unread_in_inbox(app: Flask, username: str) -> int:
    client = harness.new_client(app)
    login(client, username)
    page = html(client.get("/"))
    found = re.search(r'href="/notices"><span class="num">(\d+)</span>', page)
    return int(found.group(1)) if found else 0


def test_an_approved_need_becomes_a_notice_the_officer_reads(web, app, ctx):
    office, other = make_office(), make_office(TOWN_B)
    third_officer = make_user(Role.OFFICER, office.unit).username
    person = make_person(office.author, office.unit, name=NAME, phone=PHONE)
    id_number = str(person.id_number)
    need_id = needs.create_need(office.author, person.id, need_input(title="康复治疗费用")).id
    needs.submit_need(office.author, need_id)
    author, reviewer = office.author.username, office.reviewer.username

    needs.review_need(office.reviewer, need_id, approve=True)

    [message] = office_messages()
    assert (message.kind, message.recipient) == ("office_need_approved", str(office.unit_id))
    assert message.data == {"need_id": need_id, "title": "康复治疗费用", "minor": False}
    assert unread_in_inbox(app, author) == 0  # queued, not delivered yet

    assert deliver_office_notices() == 1

    assert fresh(OutboxMessage, message.id).status == MessageStatus.SENT
    # Every officer of the office, the reviewer too; nobody of the other office.
    assert notice_count() == 3
    assert unread_count(other.author) == 0
    assert unread_in_inbox(app, author) == 1
    assert unread_in_inbox(app, third_officer) == 1
    client = harness.new_client(app)
    login(client, author)
    page = html(client.get("/notices"))
    assert f"需求 {need_id}（康复治疗费用）已通过复核。" in page
    assert f'href="/needs/{need_id}"' in page
    for identifying in (NAME, PHONE, id_number):
        assert identifying not in page
    notice_id = db.session.scalar(
        select(Notice.id).where(Notice.user_id == office.author.id, Notice.message_id == message.id)
    )

    assert client.post(f"/notices/{notice_id}/read").status_code == 302

    assert fresh(Notice, notice_id).read_at is not None
    assert unread_in_inbox(app, author) == 0
    assert unread_in_inbox(app, reviewer) == 1  # read by one officer, not for all


def test_another_offices_officer_cannot_read_or_mark_a_notice(web, app, ctx):
    office, other = make_office(), make_office(TOWN_B)
    person = make_person(office.author, office.unit)
    need_id = needs.create_need(office.author, person.id, need_input()).id
    needs.submit_need(office.author, need_id)
    needs.review_need(office.reviewer, need_id, approve=True)
    deliver_office_notices()
    notice_id = db.session.scalar(select(Notice.id).where(Notice.user_id == office.author.id))
    client = harness.new_client(app)
    login(client, other.author.username)

    assert client.post(f"/notices/{notice_id}/read").status_code == 404
    assert f"/needs/{need_id}" not in html(client.get("/notices"))
    assert fresh(Notice, notice_id).read_at is None


def test_a_message_delivered_twice_makes_one_notice_per_officer(ctx):
    office = make_office()
    person = make_person(office.author, office.unit)
    need_id = needs.create_need(office.author, person.id, need_input()).id
    needs.submit_need(office.author, need_id)
    needs.review_need(office.reviewer, need_id, approve=True)
    [message] = office_messages()

    for _ in range(2):
        OfficeNoticeSender().send(db.session.get_one(OutboxMessage, message.id))
        db.session.commit()
    assert deliver_office_notices() == 1
    assert deliver_office_notices() == 0

    assert notice_count() == 2


def test_a_minors_need_is_told_only_to_officers_cleared_for_minors(ctx):
    office = make_office()
    cleared = make_user(Role.OFFICER, office.unit, juvenile=True)
    person = make_person(cleared, office.unit, minor=True)
    need_id = needs.create_need(cleared, person.id, need_input()).id
    needs.submit_need(cleared, need_id)
    reviewer = make_user(Role.OFFICER, office.unit, juvenile=True)
    needs.review_need(reviewer, need_id, approve=True)

    deliver_office_notices()

    assert {n.user_id for n in db.session.scalars(select(Notice))} == {cleared.id, reviewer.id}


def test_an_office_without_officers_leaves_the_message_undeliverable(ctx):
    office = make_office()
    person = make_person(office.author, office.unit)
    need_id = needs.create_need(office.author, person.id, need_input()).id
    needs.submit_need(office.author, need_id)
    needs.review_need(office.reviewer, need_id, approve=True)
    for officer in (office.author, office.reviewer):
        officer.active = False
    db.session.commit()

    assert deliver_office_notices() == 0

    [message] = office_messages()
    assert message.status == MessageStatus.UNDELIVERABLE and notice_count() == 0


def test_funded_paid_out_and_closed_are_each_told(web, app, ctx, tmp_path: Path):
    admin = make_staff(Role.ADMIN)
    project_id = make_project(admin)
    office = make_office()
    listing_id = list_need(office, project_id, 30_000, lister=admin)
    need_id = fresh(NeedListing, listing_id).need_id
    give(project_id, 30_000, listing_id=listing_id, donor_id=make_donor())
    proposer, approver = make_staff(Role.FINANCE), make_staff(Role.FINANCE)
    proposed = propose_disbursement(proposer, payout(listing_id, 30_000), tmp_path)
    approve_disbursement(approver, proposed.id)
    needs.move_need_status(need_id, NeedStatus.CLOSED, Actor.system("test"))
    db.session.commit()

    kinds = [m.kind for m in office_messages()]
    assert kinds == [
        "office_need_approved",
        "office_need_funded",
        "office_need_disbursed",
        "office_need_closed",
    ]

    assert deliver_office_notices() == 4

    client = harness.new_client(app)
    login(client, user(office.author_id).username)
    page = html(client.get("/notices"))
    for sentence in ("已通过复核", "已筹满", "的善款已拨付", "已结项"):
        assert f"需求 {need_id}" in page and sentence in page
    assert client.post("/notices/read-all").status_code == 302
    assert unread_count(user(office.author_id)) == 0


def test_the_delivery_is_a_periodic_job(app):
    jobs = {job.name: job for job in scheduled_jobs(app)}

    assert jobs["office-notices"].run is deliver_office_notices
    assert jobs["office-notices"].interval_s(app.config) == 30


def test_a_training_offer_reads_as_a_notice_with_its_course(ctx):
    office = make_office()
    queue_message(
        OFFICE_CHANNEL,
        str(office.unit_id),
        "training_offer",
        "training-offer:1",
        {"offer_id": 1, "application_id": 41, "course": "茶艺培训班", "answer_by": "2026-12-10"},
    )
    db.session.commit()

    assert deliver_office_notices() == 1

    notice = db.session.scalars(select(Notice)).first()
    assert notice is not None and notice.link == "/courses/applications/41"
    assert notice.title_params == {
        "application_id": 41,
        "course": "茶艺培训班",
        "answer_by": "2026-12-10",
    }
