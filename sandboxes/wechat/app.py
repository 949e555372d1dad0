"""The WeChat stand-in: a Flask app answering the endpoints the platform calls, as WeChat does.

WeChat answers errors with HTTP 200 and `{"errcode", "errmsg"}`; so does this app.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from sandboxes.wechat import rules
from sandboxes.wechat.store import NewMessage, SandboxStore

DEFAULTS: dict[str, Any] = {
    "WECHAT_APPID": "wx_sandbox_app",
    "WECHAT_SECRET": "sandbox_secret",
    "WECHAT_DB": None,
    "WECHAT_TOKEN_TTL": 7200,
}
_EXTENSION = "wechat_sandbox"
_MINIPROGRAM_STATES = {"developer", "trial", "formal"}
_LANGS = {"zh_CN", "en_US", "zh_HK", "zh_TW"}
_SCENES = {"1", "2", "3", "4"}  # 资料, 评论, 论坛, 社交日志

bp = Blueprint("wechat_sandbox", __name__)


@dataclass
class SandboxState:
    appid: str
    secret: str
    token_key: bytes
    token_ttl: int
    store: SandboxStore


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the stand-in. Settings: defaults, then `WECHAT_*` environment, then `config`."""
    app = Flask(__name__)
    app.config.update(DEFAULTS)
    for key in DEFAULTS:
        if key in os.environ:
            app.config[key] = os.environ[key]
    if config:
        app.config.update(config)
    appid = str(app.config["WECHAT_APPID"])
    secret = str(app.config["WECHAT_SECRET"])
    app.extensions[_EXTENSION] = SandboxState(
        appid=appid,
        secret=secret,
        token_key=rules.token_key(appid, secret),
        token_ttl=int(app.config["WECHAT_TOKEN_TTL"]),
        store=SandboxStore(app.config["WECHAT_DB"] or None),
    )
    app.register_blueprint(bp)
    return app


def _state() -> SandboxState:
    state: SandboxState = current_app.extensions[_EXTENSION]
    return state


def _error(errcode: int, errmsg: str) -> Response:
    return jsonify({"errcode": errcode, "errmsg": errmsg})


def _check_credentials(state: SandboxState) -> Response | None:
    if request.args.get("appid") != state.appid:
        return _error(40013, "invalid appid")
    if request.args.get("secret") != state.secret:
        return _error(40125, "invalid appsecret")
    return None


def _check_access_token(state: SandboxState) -> Response | None:
    token = request.args.get("access_token")
    if not token:
        return _error(41001, "access_token missing")
    verdict = rules.check_token(state.token_key, token, int(time.time()), state.token_ttl)
    if verdict == "expired":
        return _error(42001, "access_token expired")
    if verdict == "invalid":
        return _error(40001, "invalid credential, access_token is invalid or not latest")
    return None


def _json_body() -> dict[str, Any] | None:
    # wechatpy posts JSON without a Content-Type header, as WeChat tolerates.
    body = request.get_json(force=True, silent=True)
    return body if isinstance(body, dict) else None


@bp.get("/healthz")
def healthz() -> Response:
    return jsonify({"status": "ok"})


@bp.get("/cgi-bin/token")
def token() -> Response:
    state = _state()
    if request.args.get("grant_type") != "client_credential":
        return _error(40002, "invalid grant_type")
    refused = _check_credentials(state)
    if refused is not None:
        return refused
    issued = rules.issue_token(state.token_key, int(time.time()))
    return jsonify({"access_token": issued, "expires_in": state.token_ttl})


@bp.get("/sns/jscode2session")
def jscode2session() -> Response:
    state = _state()
    refused = _check_credentials(state)
    if refused is not None:
        return refused
    if request.args.get("grant_type") != "authorization_code":
        return _error(40002, "invalid grant_type")
    code = request.args.get("js_code", "")
    if not code:
        return _error(41008, "missing code")
    login = rules.classify_code(code)
    if login.kind == "busy":
        return _error(-1, "system error")
    if login.kind == "limit":
        return _error(45011, "api minute-quota reach limit")
    if login.kind == "invalid" or login.name is None:
        return _error(40029, "invalid code")
    if not state.store.use_code(code):
        return _error(40163, "code been used")
    return jsonify(
        {
            "openid": rules.openid_for(state.appid, login.name),
            "session_key": rules.new_session_key(),
            "unionid": rules.unionid_for(login.name),
        }
    )


def _invalid_template_data(data: object) -> str | None:
    """Name the first malformed part of subscribe-message `data`, or None when it is fine."""
    if not isinstance(data, dict) or not data:
        return "data"
    for key, item in data.items():
        if not isinstance(item, dict) or not isinstance(item.get("value"), str):
            return f"data.{key}.value"
    return None


@bp.post("/cgi-bin/message/subscribe/send")
def subscribe_send() -> Response:
    state = _state()
    refused = _check_access_token(state)
    if refused is not None:
        return refused
    body = _json_body()
    if body is None:
        return _error(47001, "data format error")
    touser = body.get("touser")
    if not isinstance(touser, str) or not touser:
        return _error(40003, "invalid openid")
    template_id = body.get("template_id")
    if not isinstance(template_id, str) or not template_id:
        return _error(40037, "invalid template id")
    bad_part = _invalid_template_data(body.get("data"))
    if bad_part is not None:
        return _error(47003, f"argument invalid! {bad_part}")
    page = body.get("page")
    state_name = body.get("miniprogram_state")
    lang = body.get("lang")
    if page is not None and not isinstance(page, str):
        return _error(47003, "argument invalid! page")
    if state_name is not None and state_name not in _MINIPROGRAM_STATES:
        return _error(47003, "argument invalid! miniprogram_state")
    if lang is not None and lang not in _LANGS:
        return _error(47003, "argument invalid! lang")
    if touser.startswith("blocked"):
        return _error(43101, "user refuse to accept the msg")
    msgid = state.store.add_message(
        NewMessage(
            touser=touser,
            template_id=template_id,
            page=page,
            data=body["data"],
            miniprogram_state=state_name,
            lang=lang,
        )
    )
    return jsonify({"errcode": 0, "errmsg": "ok", "msgid": msgid})


def _trace_id() -> str:
    return "-".join(secrets.token_hex(4) for _ in range(3))


def _screening_v2(text: str) -> Response:
    screening = rules.screen_text(text)
    detail: list[dict[str, Any]] = [
        {
            "strategy": "content_model",
            "errcode": 0,
            "suggest": screening.suggest,
            "label": screening.label,
            "prob": 90,
        }
    ]
    if screening.keyword is not None:
        detail.append(
            {
                "strategy": "keyword",
                "errcode": 0,
                "suggest": screening.suggest,
                "label": screening.label,
                "level": 20,
                "keyword": screening.keyword,
            }
        )
    return jsonify(
        {
            "errcode": 0,
            "errmsg": "ok",
            "result": {"suggest": screening.suggest, "label": screening.label},
            "detail": detail,
            "trace_id": _trace_id(),
        }
    )


@bp.post("/wxa/msg_sec_check")
def msg_sec_check() -> Response:
    state = _state()
    refused = _check_access_token(state)
    if refused is not None:
        return refused
    body = _json_body()
    content = None if body is None else body.get("content")
    if body is None or not isinstance(content, str):
        return _error(47001, "data format error")
    version = str(body.get("version", 1))
    if version == "1":
        # Version 1 only says yes or no: 87014 for risky text, and knows no "review".
        if rules.screen_text(content).suggest == "risky":
            return _error(87014, "risky content")
        return _error(0, "ok")
    if version != "2":
        return _error(47003, "argument invalid! version")
    openid = body.get("openid")
    if not isinstance(openid, str) or not openid:
        return _error(40003, "invalid openid")
    if str(body.get("scene")) not in _SCENES:
        return _error(47003, "argument invalid! scene")
    return _screening_v2(content)


@bp.get("/_sandbox/messages")
def sandbox_messages() -> Response:
    touser = request.args.get("touser")
    return jsonify({"data": _state().store.messages(touser)})


@bp.post("/_sandbox/reset")
def sandbox_reset() -> Response:
    _state().store.reset()
    return jsonify({"ok": True})
