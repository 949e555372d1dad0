"""API keys: Bearer (as the SDK sends it) or HTTP basic with the key as user (as curl -u)."""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass

from .config import SandboxConfig
from .errors import ApiError, authentication_error

_NO_KEY = (
    "You did not provide an API key. You need to provide your API key in the Authorization "
    "header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."
)


@dataclass(frozen=True)
class Caller:
    api_key: str
    publishable: bool


def identify_caller(authorization: str | None, config: SandboxConfig) -> Caller:
    key = _key_from_header(authorization)
    if hmac.compare_digest(key, config.secret_key):
        return Caller(key, publishable=False)
    if hmac.compare_digest(key, config.publishable_key):
        return Caller(key, publishable=True)
    raise authentication_error(f"Invalid API Key provided: {_masked(key)}")


def publishable_key_refused() -> ApiError:
    return authentication_error(
        "This API call cannot be made with a publishable API key. Please use a secret API key."
    )


def _key_from_header(authorization: str | None) -> str:
    if not authorization or not authorization.strip():
        raise authentication_error(_NO_KEY)
    scheme, _, credentials = authorization.strip().partition(" ")
    credentials = credentials.strip()
    if scheme.lower() == "bearer" and credentials:
        return credentials
    if scheme.lower() == "basic" and credentials:
        try:
            user = base64.b64decode(credentials, validate=True).decode().partition(":")[0]
        except (binascii.Error, UnicodeDecodeError):
            user = ""
        if user:
            return user
    raise authentication_error(
        "Invalid Authorization header. Use 'Authorization: Bearer YOUR_SECRET_KEY'."
    )


def _masked(key: str) -> str:
    prefix = key[:8] if key.startswith(("sk_", "pk_", "rk_")) else ""
    return f"{prefix}{'*' * 4}{key[-4:]}" if len(key) > 12 else "*" * len(key)
