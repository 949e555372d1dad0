"""Donor accounts: WeChat login, the privacy notice, profile, message grants, erasure."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from core import audit
from core.audit import Actor
from core.audit_actions import AuditAction
from core.db import db, utcnow
from donations.donors.certificate_images import forget as forget_images
from donations.donors.messages import cancel_messages
from donations.donors.models import Donor, ReceiptRequest, ReceiptStatus, Subscription
from donations.errors import (
    InvalidField,
    InvalidLoginCode,
    PrivacyNotAccepted,
    WeChatRateLimited,
    WeChatUnavailable,
)
from donations.giving.models import Donation
from donations.wechat.gateway import InvalidCode, WeChatBusy, WeChatError, WeChatGateway


@dataclass(frozen=True)
class PrivacyNotice:
    version: str
    text: str


def current_notice() -> PrivacyNotice:
    """The privacy notice donors accept today (PRIVACY_VERSION, PRIVACY_TEXT)."""
    config = current_app.config
    return PrivacyNotice(str(config["PRIVACY_VERSION"]), str(config["PRIVACY_TEXT"]))


# Characters as sent, surrounding spaces included: the API refuses more, and its OpenAPI
# document says so (maxLength); the column has room to spare.
MAX_DISPLAY_NAME = 30
MAX_TEMPLATES = 10


def login(
    wechat: WeChatGateway, code: str, notice: PrivacyNotice, accepted_version: str | None
) -> Donor:
    """Exchange a mini-program login code for our donor (created on first login).

    The WeChat session key stays on the server side of this call: it is never
    stored or returned, since the platform decrypts nothing from the client.
    """
    try:
        session = wechat.code_to_session(code)
    except InvalidCode as error:
        raise InvalidLoginCode("This login code is invalid or was already used.") from error
    except WeChatBusy as error:
        if error.errcode == 45011:
            raise WeChatRateLimited("WeChat is limiting requests; try again shortly.") from error
        raise WeChatUnavailable("WeChat is busy; try again shortly.") from error
    except WeChatError as error:
        raise WeChatUnavailable("WeChat refused the login.") from error
    donor = db.session.scalar(select(Donor).where(Donor.openid == session.openid))
    if donor is None:
        donor = Donor(openid=session.openid)
        db.session.add(donor)
        try:
            db.session.flush()
        except IntegrityError:
            # Two first logins at once: the other one created the donor.
            db.session.rollback()
            donor = db.session.scalar(select(Donor).where(Donor.openid == session.openid))
            assert donor is not None
    if accepted_version is not None:
        if accepted_version != notice.version:
            raise InvalidField("That is not the current privacy notice.", field="privacy_version")
        donor.privacy_version = notice.version
        donor.privacy_accepted_at = utcnow()
    db.session.commit()
    return donor


def has_accepted(donor: Donor, notice: PrivacyNotice) -> bool:
    return donor.privacy_version == notice.version and donor.privacy_accepted_at is not None


def require_accepted_notice(donor: Donor) -> None:
    """PrivacyNotAccepted unless the donor accepted the notice in force now."""
    if not has_accepted(donor, current_notice()):
        raise PrivacyNotAccepted("Accept the current privacy notice first.")


def update_profile(donor: Donor, display_name: str | None) -> Donor:
    if display_name is not None:
        name = display_name.strip()
        if len(name) > MAX_DISPLAY_NAME:
            raise InvalidField("The display name is too long.", field="display_name")
        donor.display_name = name or None
    db.session.commit()
    return donor


def record_subscriptions(donor: Donor, template_ids: list[str], allowed: set[str]) -> int:
    if not template_ids or len(template_ids) > MAX_TEMPLATES:
        raise InvalidField("Send between 1 and 10 template ids.", field="template_ids")
    unknown = [t for t in template_ids if t not in allowed]
    if unknown:
        raise InvalidField("Unknown template id.", field="template_ids")
    for template_id in template_ids:
        db.session.add(Subscription(donor_id=donor.id, template_id=template_id))
    db.session.commit()
    return len(template_ids)


def delete_donor(donor: Donor) -> None:
    """Erase the donor's identity; donations, ledger and certificate numbers stay, anonymous."""
    donor.openid = None
    donor.display_name = None
    donor.deleted_at = utcnow()
    donor.token_generation += 1
    db.session.execute(
        update(Donation)
        .where(Donation.donor_id == donor.id)
        .values(message=None, message_status=None, anonymous=True)
    )
    cancel_messages(donor)
    # Their certificates' images bear the display name: gone now, drawn anew if asked.
    forget_images(db.session.scalars(select(Donation.id).where(Donation.donor_id == donor.id)))
    db.session.query(Subscription).filter(Subscription.donor_id == donor.id).delete()
    # A receipt not yet issued goes with the donor; an issued one is an accounting record
    # and stays (the privacy notice says so).
    db.session.execute(
        update(ReceiptRequest)
        .where(
            ReceiptRequest.status == ReceiptStatus.REQUESTED,
            ReceiptRequest.donation_id.in_(
                select(Donation.id).where(Donation.donor_id == donor.id)
            ),
        )
        .values(name=None, credit_code=None, status=ReceiptStatus.WITHDRAWN)
    )
    audit.record(Actor.system("donor"), AuditAction.DONOR_DELETE, "donor", donor.id)
    db.session.commit()
