"""The sandbox's pure rules: login codes, derived identities, access tokens, text screening.

Nothing here holds state, so identities and tokens stay valid across restarts and resets.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Literal

# `test-NAME`, optionally followed by a nonce after one of `.:#~+@` so that one NAME can
# log in many times (`test-alice.1`, `test-alice.2`): every distinct code works once.
_USER_CODE = re.compile(r"test-(?P<name>[A-Za-z0-9_-]+)(?:[.:#~+@][A-Za-z0-9_.:#~+@-]*)?")
_MAX_CODE_LENGTH = 128

CodeKind = Literal["user", "busy", "limit", "invalid"]
Suggest = Literal["pass", "risky", "review"]

RISKY_WORD = "违禁"
REVIEW_WORD = "待审"
LABEL_NORMAL = 100
LABEL_ILLEGAL = 20006  # 违法犯罪
LABEL_OTHER = 21000  # 其他


@dataclass(frozen=True)
class LoginCode:
    kind: CodeKind
    name: str | None = None


def classify_code(code: str) -> LoginCode:
    """Say what a `js_code` means to the sandbox.

    `busy-...` and `limit-...` always fail the same way (they are never used up), so a
    test can retry them; `test-NAME[.nonce]` logs NAME in; anything else is invalid.
    """
    if len(code) > _MAX_CODE_LENGTH:
        return LoginCode("invalid")
    if code.startswith("busy-"):
        return LoginCode("busy")
    if code.startswith("limit-"):
        return LoginCode("limit")
    match = _USER_CODE.fullmatch(code)
    if match is None:
        return LoginCode("invalid")
    return LoginCode("user", match.group("name"))


def _digest_id(key: str, name: str, prefix: str) -> str:
    digest = hmac.new(key.encode(), name.encode(), hashlib.sha256).digest()
    body = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    return (prefix + body)[:28]


def openid_for(appid: str, name: str) -> str:
    """The openid of NAME in this app: 28 characters, stable for (appid, NAME).

    A NAME starting with `blocked` gets an openid starting with `blocked`, which the
    subscribe-message endpoint refuses (43101), so refusals can be reached by logging in.
    """
    prefix = "blocked" if name.startswith("blocked") else "o"
    return _digest_id(f"sandbox-openid:{appid}", name, prefix)


def unionid_for(name: str) -> str:
    """The unionid of NAME: the same in every app, as on WeChat's open platform."""
    return _digest_id("sandbox-unionid", name, "o")


def new_session_key() -> str:
    return base64.b64encode(secrets.token_bytes(16)).decode()


def token_key(appid: str, secret: str) -> bytes:
    return hashlib.sha256(f"sandbox-token:{appid}:{secret}".encode()).digest()


def _token_mac(key: bytes, payload: str) -> str:
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()[:32]


def issue_token(key: bytes, now: int) -> str:
    """A signed access token: any token the sandbox issued verifies without stored state."""
    payload = f"{now:x}_{secrets.token_hex(12)}"
    return f"{payload}_{_token_mac(key, payload)}"


TokenCheck = Literal["ok", "invalid", "expired"]


def check_token(key: bytes, token: str, now: int, ttl_seconds: int) -> TokenCheck:
    parts = token.split("_")
    if len(parts) != 3:
        return "invalid"
    issued_hex, nonce, mac = parts
    payload = f"{issued_hex}_{nonce}"
    if not hmac.compare_digest(mac, _token_mac(key, payload)):
        return "invalid"
    issued = int(issued_hex, 16)
    if now - issued >= ttl_seconds:
        return "expired"
    return "ok"


@dataclass(frozen=True)
class Screening:
    suggest: Suggest
    label: int
    keyword: str | None


def screen_text(text: str) -> Screening:
    """Text containing 违禁 is risky, 待审 needs review, anything else passes."""
    if RISKY_WORD in text:
        return Screening("risky", LABEL_ILLEGAL, RISKY_WORD)
    if REVIEW_WORD in text:
        return Screening("review", LABEL_OTHER, REVIEW_WORD)
    return Screening("pass", LABEL_NORMAL, None)
