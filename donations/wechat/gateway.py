"""The platform's own small WeChat interface, and its wechatpy implementation.

Wings depend on `WeChatGateway` and the errors here, never on wechatpy, so the library
can be replaced in this one file. This module imports nothing of ours, so it stays
importable alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import requests
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException
from wechatpy.session.memorystorage import MemoryStorage

TextVerdict = Literal["pass", "risky", "review"]

# msg_sec_check v2 scene: donors' messages are comments (1 资料, 2 评论, 3 论坛, 4 社交日志).
_COMMENT_SCENE = 2
_INVALID_CODE_ERRCODES = frozenset({40029, 40163, 40226})
_BUSY_ERRCODES = frozenset({-1, 45009, 45011})
_REFUSED_ERRCODES = frozenset({43101})
_RISKY_CONTENT_ERRCODE = 87014
_CREDENTIALS_IN_URL = re.compile(r"\b(secret|access_token|js_code)=[^&\s'\"]*")


@dataclass(frozen=True)
class WeChatConfig:
    appid: str
    secret: str
    api_base_url: str = "https://api.weixin.qq.com/"
    timeout: float = 5.0


@dataclass(frozen=True)
class WeChatSession:
    openid: str
    session_key: str
    unionid: str | None = None


class WeChatError(Exception):
    """WeChat answered with an error (errcode None: no usable answer at all)."""

    def __init__(self, errcode: int | None, errmsg: str = "") -> None:
        super().__init__(f"WeChat error {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


class InvalidCode(WeChatError):
    """The login code is unknown, malformed or already used."""


class WeChatBusy(WeChatError):
    """WeChat is unavailable for now (system error, quota, network); retry later."""


class MessageRefused(WeChatError):
    """The user does not accept the subscribe message (no grant left, or refused)."""


class WeChatGateway(Protocol):
    def code_to_session(self, code: str) -> WeChatSession:
        """Exchange a `wx.login` code for the user's identity; raises InvalidCode."""
        ...

    def check_text(self, text: str, openid: str) -> TextVerdict:
        """Screen user text with content security (version 2)."""
        ...

    def send_subscribe_message(
        self,
        openid: str,
        template_id: str,
        data: Mapping[str, Mapping[str, str]],
        page: str | None = None,
    ) -> None:
        """Send a one-time subscribe message; raises MessageRefused."""
        ...


def _translate(exc: WeChatClientException) -> WeChatError:
    errcode = exc.errcode
    errmsg = str(exc.errmsg or "")
    if errcode is None:  # an HTTP error status rather than a WeChat answer
        return WeChatBusy(None, errmsg or "HTTP error")
    code = int(errcode)
    if code in _INVALID_CODE_ERRCODES:
        return InvalidCode(code, errmsg)
    if code in _BUSY_ERRCODES:
        return WeChatBusy(code, errmsg)
    if code in _REFUSED_ERRCODES:
        return MessageRefused(code, errmsg)
    return WeChatError(code, errmsg)


class _TimeoutSession(requests.Session):
    """wechatpy fetches access tokens without a timeout; this session supplies one."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self._default_timeout = timeout

    def request(
        self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self._default_timeout
        return super().request(method, url, *args, **kwargs)


class _ConfiguredClient(WeChatClient):
    """A WeChatClient whose every call, the token fetch included, goes to one base URL."""

    _http: requests.Session

    def __init__(self, config: WeChatConfig, base_url: str) -> None:
        super().__init__(
            config.appid, config.secret, session=MemoryStorage(), timeout=config.timeout
        )
        self._http.close()
        self._http = _TimeoutSession(config.timeout)
        self.API_BASE_URL = base_url + "cgi-bin/"
        # WeChatWxa carries its own API_BASE_URL, which wins over the client's.
        self.wxa.API_BASE_URL = base_url
        self._token_url = base_url + "cgi-bin/token"

    def fetch_access_token(self) -> Any:
        # The parent hard-codes https://api.weixin.qq.com/cgi-bin/token here.
        return self._fetch_access_token(
            url=self._token_url,
            params={
                "grant_type": "client_credential",
                "appid": self.appid,
                "secret": self.secret,
            },
        )


def _require_str(answer: Mapping[str, Any], key: str) -> str:
    value = answer.get(key)
    if not isinstance(value, str) or not value:
        raise WeChatBusy(None, f"answer without {key}")
    return value


class WeChatPyGateway:
    """WeChatGateway over wechatpy; access tokens are cached in memory per instance."""

    def __init__(self, config: WeChatConfig) -> None:
        self._base_url = config.api_base_url.rstrip("/") + "/"
        self._client = _ConfiguredClient(config, self._base_url)

    def close(self) -> None:
        """Release pooled HTTP connections."""
        self._client._http.close()

    def _call(self, request: Callable[[], Any]) -> dict[str, Any]:
        """Run one wechatpy call and turn its failures into this module's errors."""
        try:
            answer = request()
        except WeChatClientException as exc:
            raise _translate(exc) from exc
        except requests.RequestException as exc:
            # The cause is dropped: its text carries the URL, with the app secret in it.
            detail = _CREDENTIALS_IN_URL.sub(r"\1=***", str(exc))
            raise WeChatBusy(None, f"{type(exc).__name__}: {detail}") from None
        if not isinstance(answer, dict):
            raise WeChatBusy(None, "answer is not JSON")
        return answer

    def code_to_session(self, code: str) -> WeChatSession:
        answer = self._call(lambda: self._client.wxa.code_to_session(code))
        unionid = answer.get("unionid")
        return WeChatSession(
            openid=_require_str(answer, "openid"),
            session_key=_require_str(answer, "session_key"),
            unionid=unionid if isinstance(unionid, str) and unionid else None,
        )

    def check_text(self, text: str, openid: str) -> TextVerdict:
        body = {"content": text, "version": 2, "scene": _COMMENT_SCENE, "openid": openid}
        try:
            # wechatpy's check_text_security speaks version 1 only.
            answer = self._call(
                lambda: self._client.post(
                    "wxa/msg_sec_check", data=body, api_base_url=self._base_url
                )
            )
        except WeChatError as exc:
            if exc.errcode == _RISKY_CONTENT_ERRCODE:
                return "risky"
            raise
        result = answer.get("result")
        suggest = result.get("suggest") if isinstance(result, dict) else None
        if suggest == "pass":
            return "pass"
        if suggest == "risky":
            return "risky"
        if suggest == "review":
            return "review"
        raise WeChatBusy(None, f"unexpected content-check answer: {answer!r}")

    def send_subscribe_message(
        self,
        openid: str,
        template_id: str,
        data: Mapping[str, Mapping[str, str]],
        page: str | None = None,
    ) -> None:
        plain_data = {key: dict(item) for key, item in data.items()}
        self._call(
            lambda: self._client.wxa.send_subscribe_message(
                user_id=openid, template_id=template_id, data=plain_data, page=page
            )
        )
