"""API objects, with the names docs/api.md documents (they are a contract)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from donations.giving.models import Donation, DonationStatus
from donations.payments.gateway import PaymentGateway
from donations.projects.models import Project
from donations.projects.services import ProjectTotals


def _ts(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


def project_obj(project: Project, totals: ProjectTotals, distance: float | None) -> dict[str, Any]:
    return {
        "id": project.id,
        "title": project.title,
        "summary": project.summary,
        "charity_name": project.charity_name,
        "fundraising_reg_no": project.fundraising_reg_no,
        "lat": project.lat,
        "lng": project.lng,
        "distance_km": None if distance is None else round(distance, 1),
        "goal_fen": project.goal_fen,
        "raised_fen": totals.raised_fen,
        "donor_count": totals.donor_count,
        "status": "active" if project.status == "active" else "closed",
        "starts_on": project.starts_on.isoformat(),
        "ends_on": project.ends_on.isoformat(),
        "rules": {
            "min_fen": project.min_fen,
            "max_fen": project.max_fen,
            "daily_max_fen": project.daily_max_fen,
            "daily_max_count": project.daily_max_count,
            "if_need_closes_default": "pool",
        },
    }


PUBLIC_STATUS = {DonationStatus.CANCELLED: "failed"}


def donation_obj(donation: Donation) -> dict[str, Any]:
    return {
        "id": donation.id,
        "project_id": donation.project_id,
        "need_id": donation.listing_id,
        "amount_fen": donation.amount_fen,
        "status": PUBLIC_STATUS.get(DonationStatus(donation.status), donation.status),
        "redirected_to_pool": donation.redirected_to_pool,
        "anonymous": donation.anonymous,
        "message": donation.message,
        "message_status": donation.message_status,
        "if_need_closes": donation.if_need_closes,
        "refunded_fen": donation.refunded_fen,
        "certificate_number": donation.certificate_no,
        "created_at": _ts(donation.created_at),
        "paid_at": _ts(donation.paid_at),
    }


def payment_obj(donation: Donation, gateway: PaymentGateway) -> dict[str, Any]:
    return {
        "provider": gateway.provider_name,
        "payment_intent": donation.payment_intent_id,
        "client_secret": donation.client_secret,
        "publishable_key": gateway.publishable_key,
        "api_base": gateway.api_base,
    }
