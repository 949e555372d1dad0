"""Donation use cases: start a donation and its payment, with limits and idempotency."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from core.db import db
from core.money import CURRENCY, yuan_text
from core.timeutil import local_today
from donations.donors.models import Donor
from donations.donors.services import require_accepted_notice
from donations.errors import (
    IdempotencyConflict,
    InvalidField,
    LimitExceeded,
    MessageRejected,
    NeedFull,
    ProjectClosed,
    UpstreamUnavailable,
)
from donations.giving.models import Donation, DonationStatus, MessageStatus
from donations.payments.gateway import PaymentError, PaymentGateway
from donations.projects.models import ListingStatus, NeedListing, Project, ProjectStatus
from donations.wechat.gateway import WeChatError, WeChatGateway

MAX_MESSAGE = 100
COUNTED_FOR_LIMITS = (DonationStatus.PENDING, DonationStatus.SUCCEEDED)


@dataclass(frozen=True)
class DonationRequest:
    project_id: str
    amount_fen: int
    need_id: str | None = None
    message: str | None = None
    anonymous: bool = False
    if_need_closes: str = "pool"

    def fingerprint(self) -> str:
        body = json.dumps(self.__dict__, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(body.encode()).hexdigest()


def _validate(donor: Donor, req: DonationRequest) -> tuple[Project, NeedListing | None]:
    project = db.session.get(Project, req.project_id)
    if project is None or project.status == ProjectStatus.DRAFT:
        raise InvalidField("No such project.", field="project_id")
    today = local_today()
    if project.status != ProjectStatus.ACTIVE or not project.starts_on <= today <= project.ends_on:
        raise ProjectClosed("This project is not taking donations.")
    if not project.min_fen <= req.amount_fen <= project.max_fen:
        raise LimitExceeded(
            "A donation is between %(min)s and %(max)s yuan.",
            field="amount_fen",
            min=yuan_text(project.min_fen),
            max=yuan_text(project.max_fen),
        )
    if req.if_need_closes not in ("pool", "same_person"):
        raise InvalidField("if_need_closes is pool or same_person.", field="if_need_closes")
    listing = None
    if req.need_id is not None:
        listing = db.session.get(NeedListing, req.need_id)
        if listing is None or listing.project_id != project.id:
            raise InvalidField("No such need on this project.", field="need_id")
        if listing.status != ListingStatus.PUBLISHED or listing.raised_fen >= listing.amount_fen:
            raise NeedFull("This need is fully funded; give to the project pool instead.")
        if req.amount_fen > listing.amount_fen - listing.raised_fen:
            raise NeedFull(
                "This need still needs %(left)s yuan; give at most that, or give to the pool.",
                left=yuan_text(listing.amount_fen - listing.raised_fen),
            )
    count, total = db.session.execute(
        select(func.count(), func.coalesce(func.sum(Donation.amount_fen), 0)).where(
            Donation.donor_id == donor.id,
            Donation.local_day == today,
            Donation.status.in_(COUNTED_FOR_LIMITS),
        )
    ).one()
    if count + 1 > project.daily_max_count or total + req.amount_fen > project.daily_max_fen:
        raise LimitExceeded("This would pass your daily donation limit.")
    return project, listing


def donate(
    donor: Donor,
    req: DonationRequest,
    idempotency_key: str,
    gateway: PaymentGateway,
    wechat: WeChatGateway,
) -> tuple[Donation, bool]:
    """The donor's POST /donations: replay or conflict first, then screen the message, then start.

    Nothing happens until the donor accepted the current privacy notice
    (PrivacyNotAccepted). A risky message is refused (message_rejected); one that
    needs review is kept hidden until staff approve it in the moderation queue.
    """
    require_accepted_notice(donor)
    existing = _by_key(donor, idempotency_key)
    if existing is not None:
        return _start(donor, req, idempotency_key, gateway, existing)
    status = None
    if req.message:
        try:
            verdict = wechat.check_text(req.message, donor.openid or "")
        except WeChatError as error:
            raise UpstreamUnavailable("WeChat is busy; try again shortly.") from error
        if verdict == "risky":
            raise MessageRejected("The message was rejected by the content check.")
        status = MessageStatus.VISIBLE if verdict == "pass" else MessageStatus.REVIEW
    return _start(donor, req, idempotency_key, gateway, None, message_status=status)


def start_donation(
    donor: Donor,
    req: DonationRequest,
    idempotency_key: str,
    gateway: PaymentGateway,
    message_status: MessageStatus | None = None,
) -> tuple[Donation, bool]:
    """Create a pending donation and its payment intent; (donation, created).

    The donor must have accepted the current privacy notice (PrivacyNotAccepted).
    The same key and body answer the same donation; the same key with another
    body raises IdempotencyConflict. The provider is called with the donation's
    id as its idempotency key, so a retry never makes a second payment.
    """
    require_accepted_notice(donor)
    return _start(
        donor, req, idempotency_key, gateway, _by_key(donor, idempotency_key), message_status
    )


def _by_key(donor: Donor, idempotency_key: str) -> Donation | None:
    return db.session.scalar(
        select(Donation).where(
            Donation.donor_id == donor.id, Donation.idempotency_key == idempotency_key
        )
    )


def _start(
    donor: Donor,
    req: DonationRequest,
    idempotency_key: str,
    gateway: PaymentGateway,
    existing: Donation | None,
    message_status: MessageStatus | None = None,
) -> tuple[Donation, bool]:
    """start_donation once the key has been looked up (`existing`): a donation costs
    one insert, one provider call and one update, each donation row read once."""
    fingerprint = req.fingerprint()
    created = existing is None
    if existing is not None:
        if existing.request_hash != fingerprint:
            raise IdempotencyConflict("This Idempotency-Key was used with another request.")
        donation = existing
    else:
        project, listing = _validate(donor, req)
        message = (req.message or "").strip() or None
        if message is not None and len(message) > MAX_MESSAGE:
            raise InvalidField("The message is too long.", field="message")
        donation = Donation(
            donor_id=donor.id,
            project_id=project.id,
            listing_id=listing.id if listing else None,
            amount_fen=req.amount_fen,
            currency=CURRENCY,
            anonymous=req.anonymous,
            message=message,
            # The content check's verdict; pending when the message was not screened.
            message_status=(message_status or MessageStatus.PENDING) if message else None,
            if_need_closes=req.if_need_closes,
            idempotency_key=idempotency_key,
            request_hash=fingerprint,
            local_day=local_today(),
        )
        db.session.add(donation)
    if donation.payment_intent_id is None:
        try:
            db.session.flush()
        except IntegrityError:
            # The same key raced in from another request: answer with the winner.
            db.session.rollback()
            return start_donation(donor, req, idempotency_key, gateway)
        # Read before the commit expires them: the call needs no second read of the row.
        donation_id, amount_fen, currency = donation.id, donation.amount_fen, donation.currency
        # No transaction stays open across the HTTP call: on SQLite it would hold the
        # write lock, and every webhook and donor would wait out the provider's latency.
        db.session.commit()
        try:
            intent = gateway.create_payment_intent(
                amount_fen, currency, {"donation_id": donation_id}, donation_id
            )
        except PaymentError as error:
            raise UpstreamUnavailable(
                "The payment provider is not answering; try again."
            ) from error
        # One UPDATE by id: setting the expired object's attributes would load its row
        # first. The object stays expired, and the answer reads it once, fresh.
        db.session.execute(
            update(Donation)
            .where(Donation.id == donation_id)
            .values(payment_intent_id=intent.id, client_secret=intent.client_secret)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    return donation, created
