"""Donor tokens: signed, expiring, revocable (a generation counter on the donor)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import current_app, g, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from core.db import db
from donations.api.errors import ApiError
from donations.donors.models import Donor

P = ParamSpec("P")
R = TypeVar("R")
SALT = "mp-donor-token"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token_ttl_s() -> int:
    return int(current_app.config["MP_TOKEN_TTL_S"])


def issue_token(donor: Donor) -> str:
    return str(_serializer().dumps({"d": donor.id, "g": donor.token_generation}))


def donor_from_token(token: str) -> Donor:
    try:
        data = _serializer().loads(token, max_age=token_ttl_s())
    except SignatureExpired as error:
        raise ApiError(401, "invalid_token", "The token has expired; log in again.") from error
    except BadSignature as error:
        raise ApiError(401, "invalid_token", "The token is not valid.") from error
    if not isinstance(data, dict):
        raise ApiError(401, "invalid_token", "The token is not valid.")
    donor = db.session.get(Donor, str(data.get("d")))
    if donor is None or donor.deleted_at is not None or donor.token_generation != data.get("g"):
        raise ApiError(401, "invalid_token", "The token is no longer valid.")
    return donor


def donor_required(view: Callable[P, R]) -> Callable[P, R]:
    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "invalid_token", "Send the token as 'Authorization: Bearer ...'.")
        g.donor = donor_from_token(token.strip())
        return view(*args, **kwargs)

    return wrapped


def current_donor() -> Donor:
    donor: Donor = g.donor
    return donor
