"""The demo's fundraising project, and a donation history made through the payment sandbox.

The project and its need cards are seeded with the rest of the demo. Donations
go through the running sandbox like real ones (create, confirm with the
publishable key, webhook, ledger), so refunds and reconciliation work on them;
`make run` makes them once the servers answer.
"""

from __future__ import annotations

import random
import time
from datetime import timedelta
from pathlib import Path

import httpx
from flask import Flask
from sqlalchemy import func, select

from core.db import db, utcnow
from core.http import wait_for
from core.needs.models import Need, NeedStatus
from core.timeutil import local_today
from core.users import User
from donations.donors.models import Donor
from donations.donors.services import current_notice
from donations.giving.models import Donation, DonationStatus, MessageStatus
from donations.giving.reconciliation import reconcile
from donations.giving.services import DonationRequest, start_donation
from donations.payments.config import current_gateway
from donations.payments.gateway import PaymentGateway
from donations.projects.models import NeedListing, Project, ProjectStatus
from donations.projects.services import (
    ProjectInput,
    list_need_on_project,
    save_project,
    set_project_status,
)

PROJECT_TITLE = "社区矫正和安置帮教公益帮扶项目"
DISPLAY_NAMES = [
    "李先生",
    "陈女士",
    "开平爱心企业",
    "黄同学",
    "梁阿姨",
    "关先生",
    "谢女士",
    "周老师",
    "吴师傅",
    "司徒先生",
    "胡女士",
    "余先生",
]
MESSAGES = ["加油，明天会更好！", "愿您早日回归正常生活。", None, "一点心意，祝好。", None]


def seed_demo_project(admin: User) -> Project:
    today = local_today()
    project = save_project(
        admin,
        ProjectInput(
            title=PROJECT_TITLE,
            summary=(
                "开平市慈善会与开平市司法局联合发起，为社区矫正对象和刑满释放人员中生活困难者提供"
                "助学、医疗、生活、技能培训、创业和住房等帮扶，帮助他们顺利融入社会。"
            ),
            charity_name="开平市慈善会",
            fundraising_reg_no="53440783MJL00000XK-2025-003",
            lat=22.3766,
            lng=112.6955,
            goal_fen=50_000_000,
            starts_on=today - timedelta(days=90),
            ends_on=today + timedelta(days=275),
        ),
    )
    set_project_status(admin, project.id, ProjectStatus.ACTIVE)
    for need_id in db.session.scalars(
        select(Need.id).where(Need.status == NeedStatus.PUBLISHED).order_by(Need.id)
    ):
        list_need_on_project(admin, need_id, project.id)
    return project


def seed_demo_donations(gateway: PaymentGateway, count: int = 60, seed: int = 7) -> int:
    """Donate through the sandbox; returns how many payments were confirmed there."""
    project = db.session.scalar(select(Project).where(Project.title == PROJECT_TITLE))
    if project is None:
        return 0
    if (db.session.scalar(select(func.count()).select_from(Donation)) or 0) > 0:
        return 0
    rng = random.Random(seed)
    donors = []
    for n, name in enumerate(DISPLAY_NAMES):
        donor = Donor(
            openid=f"demo-openid-{n}",
            display_name=name,
            privacy_version=current_notice().version,
            privacy_accepted_at=utcnow(),
        )
        db.session.add(donor)
        donors.append(donor)
    db.session.commit()
    listings = list(
        db.session.scalars(select(NeedListing).where(NeedListing.project_id == project.id))
    )
    confirmed = 0
    with httpx.Client(timeout=10) as http:
        for n in range(count):
            donor = rng.choice(donors)
            listing = rng.choice(listings) if listings and rng.random() < 0.6 else None
            room = listing.amount_fen - listing.raised_fen if listing else 0
            amount = rng.choice([5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000])
            if listing is not None and room < amount:
                listing = None
            req = DonationRequest(
                project_id=project.id,
                amount_fen=amount,
                need_id=listing.id if listing else None,
                message=rng.choice(MESSAGES),
                anonymous=rng.random() < 0.2,
            )
            try:
                donation, _created = start_donation(
                    donor, req, f"demo-{n}", gateway, message_status=MessageStatus.VISIBLE
                )
            except Exception:
                db.session.rollback()
                continue
            method = "pm_card_chargeDeclined" if n % 13 == 5 else "pm_card_visa"
            intent, secret = donation.payment_intent_id, donation.client_secret or ""
            # End the read transaction before the HTTP call: on SQLite it holds the write
            # lock, and the webhook this confirmation triggers needs it.
            db.session.rollback()
            response = http.post(
                f"{gateway.api_base}/v1/payment_intents/{intent}/confirm",
                headers={"Authorization": f"Bearer {gateway.publishable_key}"},
                data={"payment_method": method, "client_secret": secret},
            )
            confirmed += int(response.status_code == 200)
    return confirmed


def seed_demo_allocation_and_payout(evidence_dir: Path) -> bool:
    """Allocate the pool once and pay one funded need out, so the impact feed has a story.

    Runs through the same four-eyes services as staff: a social worker proposes,
    finance approves (an admin too above the threshold), finance records the
    payout with evidence and another finance user approves it.
    """
    from donations.disbursements.services import (
        PayoutInput,
        approve_disbursement,
        propose_disbursement,
    )
    from donations.ledger.services import need_balance_fen
    from donations.projects.models import ListingStatus
    from donations.proposals.models import AllocationProposal
    from donations.proposals.services import approve_proposal, run_proposal

    if db.session.scalar(select(func.count()).select_from(AllocationProposal)):
        return False
    users = {u.username: u for u in db.session.scalars(select(User))}
    project_id = db.session.scalar(select(Project.id).where(Project.title == PROJECT_TITLE))
    if project_id is None:
        return False
    proposal = run_proposal(users["social-worker"], project_id)
    if not proposal.lines:
        return False
    proposal = approve_proposal(users["finance"], proposal.id, 5_000_000)
    if proposal.status == "awaiting_second":
        approve_proposal(users["admin"], proposal.id, 5_000_000)
    listing = db.session.scalar(
        select(NeedListing).where(NeedListing.status == ListingStatus.FUNDED).limit(1)
    )
    if listing is None:
        return True
    payout = propose_disbursement(
        users["finance"],
        PayoutInput(
            listing_id=listing.id,
            amount_fen=need_balance_fen(listing),
            method="bank_transfer",
            payee="开平市中心医院",
            reference="DEMO-0001",
            paid_on=local_today(),
            evidence_name="付款回单.png",
            evidence=_demo_receipt_png(),
        ),
        evidence_dir,
    )
    approve_disbursement(users["finance-2"], payout.id)
    return True


def _demo_receipt_png() -> bytes:
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 200), (255, 255, 255))
    ImageDraw.Draw(image).text((20, 90), "DEMO BANK TRANSFER RECEIPT", fill=(0, 0, 0))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def seed_live_demo(app: Flask) -> None:
    """Once every server answers, give the demo its donation history (first run only)."""
    with app.app_context():
        gateway = current_gateway()
        if not wait_for(f"{gateway.api_base}/healthz"):
            print(" * demo donations skipped: servers did not answer", flush=True)
            return
        try:
            made = seed_demo_donations(gateway)
        except Exception as error:
            print(f" * demo donations skipped: {error}", flush=True)
            return
        db.session.remove()
    if made:
        print(f" * demo: {made} donations paid through the sandbox", flush=True)
        _demo_payout(app)


def _demo_payout(app: Flask) -> None:
    """After the webhooks landed (or reconciliation repaired them), allocate and pay out once."""
    with app.app_context():
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            pending = db.session.scalar(
                db.select(db.func.count())
                .select_from(Donation)
                .where(Donation.status == DonationStatus.PENDING)
            )
            db.session.rollback()
            if not pending:
                break
            time.sleep(1)
        reconcile(current_gateway())
        if seed_demo_allocation_and_payout(Path(app.config["EVIDENCE_DIR"])):
            print(" * demo: pool allocated and one need paid out", flush=True)
