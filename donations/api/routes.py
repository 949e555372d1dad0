"""The routes of `/api/mp/v1`: views parse, call one service, and answer JSON."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from core.db import db
from core.needs.models import Need
from donations.api.errors import ApiError
from donations.api.parse import (
    idempotency_key,
    json_body,
    opt_bool,
    opt_str,
    query_float,
    query_limit,
    req_int,
    req_str,
)
from donations.api.serialize import donation_obj, payment_obj, project_obj
from donations.api.tokens import current_donor, donor_required, issue_token, token_ttl_s
from donations.donors.certificates import certificate_for
from donations.donors.impact import PoolPicture, decode_cursor, encode_cursor, impact_feed, went_to
from donations.donors.receipts import request_receipt
from donations.donors.services import (
    PrivacyNotice,
    delete_donor,
    has_accepted,
    login,
    record_subscriptions,
    update_profile,
)
from donations.giving.models import Donation
from donations.giving.services import DonationRequest, donate
from donations.payments.config import current_gateway
from donations.projects.cards import card, listings_of_project, public_listing
from donations.projects.models import NeedListing, Project
from donations.projects.services import distance_km, totals, visible_projects
from donations.wechat.config import current_wechat, subscribe_templates

bp = Blueprint("mp_api", __name__, url_prefix="/api/mp/v1")
MAX_AMOUNT_FEN = 10**12


@bp.url_value_preprocessor
def _refuse_nul_in_ids(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    # PostgreSQL text cannot hold NUL: such an id matches nothing, so it is not found
    # (rather than a driver error).
    if values and any("\x00" in str(value) for value in values.values()):
        raise ApiError(404, "not_found", "Not found.")


def notice() -> PrivacyNotice:
    return PrivacyNotice(current_app.config["PRIVACY_VERSION"], current_app.config["PRIVACY_TEXT"])


def page(items: list[Any], next_cursor: str | None) -> dict[str, Any]:
    return {"data": items, "next_cursor": next_cursor}


def offset_cursor() -> int:
    raw = request.args.get("cursor")
    if not raw:
        return 0
    try:
        return decode_cursor(raw)
    except ValueError as error:
        raise ApiError(400, "invalid_field", "cursor is not valid.") from error


@bp.get("/privacy")
def privacy() -> ResponseReturnValue:
    current = notice()
    return {"version": current.version, "text": current.text}


@bp.post("/auth/login")
def auth_login() -> ResponseReturnValue:
    data = json_body({"code", "privacy_version"})
    code = req_str(data, "code", 128)
    version = opt_str(data, "privacy_version", 32)
    donor = login(current_wechat(), code, notice(), version)
    return {
        "token": issue_token(donor),
        "expires_in": token_ttl_s(),
        "privacy_accepted": has_accepted(donor, notice()),
    }


@bp.patch("/me")
@donor_required
def patch_me() -> ResponseReturnValue:
    data = json_body({"display_name"})
    donor = update_profile(current_donor(), opt_str(data, "display_name", 60))
    return {
        "id": donor.id,
        "display_name": donor.display_name,
        "privacy_accepted": has_accepted(donor, notice()),
    }


@bp.delete("/me")
@donor_required
def delete_me() -> ResponseReturnValue:
    delete_donor(current_donor())
    return Response(status=204)


@bp.post("/me/subscriptions")
@donor_required
def subscriptions() -> ResponseReturnValue:
    data = json_body({"template_ids"})
    ids = data.get("template_ids")
    if not isinstance(ids, list) or not all(isinstance(t, str) and t for t in ids):
        raise ApiError(400, "invalid_field", "template_ids must be a list of strings.")
    count = record_subscriptions(current_donor(), ids, set(subscribe_templates().values()))
    return {"recorded": count}, 201


@bp.get("/projects")
def projects() -> ResponseReturnValue:
    lat = query_float("lat", -90, 90)
    lng = query_float("lng", -180, 180)
    radius = query_float("radius_km", 0, 20000)
    if (lat is None) != (lng is None):
        raise ApiError(400, "invalid_field", "Send both lat and lng, or neither.")
    limit = query_limit()
    start = offset_cursor()
    found = visible_projects()
    money = totals([p.id for p in found])
    rows = []
    for project in found:
        distance = None
        if lat is not None and lng is not None:
            distance = distance_km(lat, lng, project.lat, project.lng)
            if radius is not None and distance > radius:
                continue
        rows.append(
            (
                project.status != "active",
                distance if distance is not None else 0.0,
                project.title,
                project,
            )
        )
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    chunk = rows[start : start + limit]
    items = [project_obj(p, money[p.id], None if lat is None else d) for _c, d, _t, p in chunk]
    more = start + limit < len(rows)
    return page(items, encode_cursor(start + limit) if more else None)


def _project_or_404(project_id: str) -> Project:
    project = db.session.get(Project, project_id)
    if project is None or project.status not in ("active", "closed"):
        raise ApiError(404, "not_found", "No such project.")
    return project


@bp.get("/projects/<project_id>")
def project_detail(project_id: str) -> ResponseReturnValue:
    project = _project_or_404(project_id)
    body = project_obj(project, totals([project.id])[project.id], None)
    body["needs"] = [card(listing) for listing in listings_of_project(project.id)]
    return body


@bp.get("/needs/<need_id>")
def need_detail(need_id: str) -> ResponseReturnValue:
    listing = public_listing(need_id)
    if listing is None:
        raise ApiError(404, "not_found", "No such need.")
    return card(listing)


@bp.post("/donations")
@donor_required
def create_donation() -> ResponseReturnValue:
    key = idempotency_key()
    data = json_body(
        {"project_id", "need_id", "amount_fen", "message", "anonymous", "if_need_closes"}
    )
    if_need_closes = opt_str(data, "if_need_closes", 16) or "pool"
    if if_need_closes not in ("pool", "same_person"):
        raise ApiError(400, "invalid_field", "if_need_closes is pool or same_person.")
    req = DonationRequest(
        project_id=req_str(data, "project_id", 64),
        need_id=opt_str(data, "need_id", 64),
        amount_fen=req_int(data, "amount_fen", 1, MAX_AMOUNT_FEN),
        message=(opt_str(data, "message", 100) or "").strip() or None,
        anonymous=opt_bool(data, "anonymous", False),
        if_need_closes=if_need_closes,
    )
    donor = current_donor()
    if not has_accepted(donor, notice()):
        raise ApiError(422, "privacy_not_accepted", "Accept the current privacy notice first.")
    gateway = current_gateway()
    donation, created = donate(donor, req, key, gateway, current_wechat())
    body = {"donation": donation_obj(donation), "payment": payment_obj(donation, gateway)}
    return body, 201 if created else 200


def _own_donation(donation_id: str) -> Donation:
    donation = db.session.get(Donation, donation_id)
    if donation is None or donation.donor_id != current_donor().id:
        raise ApiError(404, "not_found", "No such donation.")
    return donation


@bp.get("/donations/<donation_id>")
@donor_required
def donation_detail(donation_id: str) -> ResponseReturnValue:
    return donation_obj(_own_donation(donation_id))


def _keyset_cursor() -> tuple[datetime, str] | None:
    raw = request.args.get("cursor")
    if not raw:
        return None
    try:
        decoded = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
        created, _, donation_id = decoded.partition("|")
        moment = datetime.fromisoformat(created)
        if moment.tzinfo is None or not donation_id or "\x00" in donation_id:
            raise ValueError
        # Normalised here: an offset that pushes the moment past year 1 or 9999 overflows.
        return moment.astimezone(UTC), donation_id
    except (ValueError, UnicodeDecodeError, OverflowError) as error:
        raise ApiError(400, "invalid_field", "cursor is not valid.") from error


@bp.get("/me/donations")
@donor_required
def my_donations() -> ResponseReturnValue:
    """Newest first, keyset-paged on (created_at, id) so new gifts never shift a page."""
    limit = query_limit()
    query = (
        select(Donation)
        .options(joinedload(Donation.listing).joinedload(NeedListing.need).joinedload(Need.person))
        .where(Donation.donor_id == current_donor().id)
    )
    cursor = _keyset_cursor()
    if cursor is not None:
        moment, last_id = cursor
        query = query.where(
            or_(
                Donation.created_at < moment,
                and_(Donation.created_at == moment, Donation.id < last_id),
            )
        )
    rows = list(
        db.session.scalars(
            query.order_by(Donation.created_at.desc(), Donation.id.desc()).limit(limit + 1)
        )
    )
    items = []
    pictures: dict[str, PoolPicture] = {}
    for donation in rows[:limit]:
        obj = donation_obj(donation)
        obj["went_to"] = went_to(donation, pictures)
        items.append(obj)
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = (
            base64.urlsafe_b64encode(f"{last.created_at.isoformat()}|{last.id}".encode())
            .decode()
            .rstrip("=")
        )
    return page(items, next_cursor)


@bp.get("/me/donations/<donation_id>/certificate")
@donor_required
def certificate(donation_id: str) -> ResponseReturnValue:
    cert = certificate_for(_own_donation(donation_id))
    if cert is None:
        raise ApiError(404, "not_found", "The certificate is issued once the payment succeeds.")
    fmt = request.args.get("format", "json")
    if fmt == "png":
        from donations.donors.certificate_png import render_png

        return Response(render_png(cert), mimetype="image/png")
    if fmt != "json":
        raise ApiError(400, "invalid_field", "format is json or png.")
    return cert.as_json()


@bp.post("/me/donations/<donation_id>/receipt-request")
@donor_required
def receipt_request(donation_id: str) -> ResponseReturnValue:
    donation = _own_donation(donation_id)
    data = json_body({"name", "credit_code"})
    name = req_str(data, "name", 120).strip()
    credit_code = (opt_str(data, "credit_code", 18) or "").strip().upper() or None
    receipt, created = request_receipt(donation, name, credit_code)
    body = {
        "id": receipt.id,
        "donation_id": donation.id,
        "status": receipt.status,
        "name": receipt.name,
        "credit_code": receipt.credit_code,
        "receipt_no": receipt.receipt_no,
    }
    return body, 201 if created else 200


@bp.get("/impact")
def impact() -> ResponseReturnValue:
    limit = query_limit()
    try:
        items, next_cursor = impact_feed(limit, request.args.get("cursor") or None)
    except ValueError as error:
        raise ApiError(400, "invalid_field", "cursor is not valid.") from error
    return page(items, next_cursor)


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    from donations.api.openapi import document

    return jsonify(document())
