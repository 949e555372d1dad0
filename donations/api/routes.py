"""The routes of `/api/mp/v1`: views parse, call one service, and answer JSON."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, jsonify, request
from flask.typing import ResponseReturnValue

from core.db import db, read_only_begin, read_only_end
from donations.api.errors import ApiError
from donations.api.parse import (
    idempotency_key,
    json_body,
    opt_bool,
    opt_str,
    query_float,
    query_limit,
    query_wait,
    req_int,
    req_str,
)
from donations.api.serialize import donation_obj, payment_obj, project_obj
from donations.api.tokens import current_donor, donor_required, issue_token, token_ttl_s
from donations.donors.certificate_images import png_for
from donations.donors.certificates import certificate_for
from donations.donors.impact import donations_of_donor, impact_feed
from donations.donors.receipts import request_receipt
from donations.donors.services import (
    MAX_DISPLAY_NAME,
    current_notice,
    delete_donor,
    has_accepted,
    login,
    record_subscriptions,
    update_profile,
)
from donations.giving.models import Donation, DonationStatus
from donations.giving.services import DonationRequest, donate
from donations.giving.waiting import BUSY_RETRY_AFTER_S, MAX_WAIT_S, Waited, wait_until_settled
from donations.payments.config import current_gateway
from donations.projects.cards import card, public_listing
from donations.projects.queries import find_projects, public_project
from donations.wechat.config import current_wechat, subscribe_templates

bp = Blueprint("mp_api", __name__, url_prefix="/api/mp/v1")
MAX_AMOUNT_FEN = 10**12


@bp.before_request
def _reads_only() -> None:
    # Every GET of the API only reads: on SQLite its transaction need not queue
    # behind payments being booked for the write lock.
    if request.method in ("GET", "HEAD"):
        g.read_only_token = read_only_begin()


@bp.teardown_request
def _end_reads_only(_error: BaseException | None) -> None:
    token = g.pop("read_only_token", None)
    if token is not None:
        read_only_end(token)


@bp.url_value_preprocessor
def _refuse_nul_in_ids(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    # PostgreSQL text cannot hold NUL: such an id matches nothing, so it is not found
    # (rather than a driver error).
    if values and any("\x00" in str(value) for value in values.values()):
        raise ApiError(404, "not_found", "Not found.")


def page(items: list[Any], next_cursor: str | None) -> dict[str, Any]:
    return {"data": items, "next_cursor": next_cursor}


def cursor_arg() -> str | None:
    return request.args.get("cursor") or None


@bp.get("/privacy")
def privacy() -> ResponseReturnValue:
    current = current_notice()
    return {"version": current.version, "text": current.text}


@bp.post("/auth/login")
def auth_login() -> ResponseReturnValue:
    data = json_body({"code", "privacy_version"})
    code = req_str(data, "code", 128)
    version = opt_str(data, "privacy_version", 32)
    donor = login(current_wechat(), code, current_notice(), version)
    return {
        "token": issue_token(donor),
        "expires_in": token_ttl_s(),
        "privacy_accepted": has_accepted(donor, current_notice()),
    }


@bp.patch("/me")
@donor_required
def patch_me() -> ResponseReturnValue:
    data = json_body({"display_name"})
    donor = update_profile(current_donor(), opt_str(data, "display_name", MAX_DISPLAY_NAME))
    return {
        "id": donor.id,
        "display_name": donor.display_name,
        "privacy_accepted": has_accepted(donor, current_notice()),
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
    found = find_projects(lat, lng, radius, query_limit(), cursor_arg())
    return page(
        [project_obj(row.project, row.totals, row.distance_km) for row in found.items],
        found.next_cursor,
    )


@bp.get("/projects/<project_id>")
def project_detail(project_id: str) -> ResponseReturnValue:
    found = public_project(project_id)
    if found is None:
        raise ApiError(404, "not_found", "No such project.")
    body = project_obj(found.project, found.totals, None)
    body["needs"] = [card(listing) for listing in found.listings]
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
    gateway = current_gateway()
    donation, created = donate(current_donor(), req, key, gateway, current_wechat())
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
    donation = _own_donation(donation_id)
    seconds = query_wait(MAX_WAIT_S)
    # The long poll: a pending payment's answer comes when it is booked (or `wait` ends).
    if seconds and donation.status == DonationStatus.PENDING:
        waited = wait_until_settled(donation.id, seconds)
        if waited == Waited.NO_SLOT:
            return donation_obj(donation), {"Retry-After": str(BUSY_RETRY_AFTER_S)}
        if waited == Waited.DONE:
            # Read again (its owner was checked above; waiting ended the transaction).
            donation = db.session.get_one(Donation, donation_id)
    return donation_obj(donation)


@bp.get("/me/donations")
@donor_required
def my_donations() -> ResponseReturnValue:
    found = donations_of_donor(current_donor().id, query_limit(), cursor_arg())
    return page(
        [{**donation_obj(donation), "went_to": went} for donation, went in found.items],
        found.next_cursor,
    )


@bp.get("/me/donations/<donation_id>/certificate")
@donor_required
def certificate(donation_id: str) -> ResponseReturnValue:
    donation = _own_donation(donation_id)
    cert = certificate_for(donation)
    if cert is None:
        raise ApiError(404, "not_found", "The certificate is issued once the payment succeeds.")
    fmt = request.args.get("format", "json")
    if fmt == "png":
        return Response(png_for(donation, cert), mimetype="image/png")
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
    return page(*impact_feed(query_limit(), cursor_arg()))


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    from donations.api.openapi import document

    return jsonify(document())
