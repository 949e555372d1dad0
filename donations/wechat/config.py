"""The WeChat gateway and the donor-facing settings, from configuration."""

from __future__ import annotations

from typing import Any

from flask import current_app

from donations.wechat.gateway import WeChatConfig, WeChatGateway, WeChatPyGateway

DEFAULTS: dict[str, Any] = {
    "WECHAT_API_BASE": "http://127.0.0.1:12112/",
    "WECHAT_APPID": "wx_sandbox_app",
    "WECHAT_SECRET": "sandbox_secret",
    "WECHAT_TIMEOUT_S": 5.0,
    "WECHAT_TEMPLATE_DONATION_SUCCEEDED": "tmpl_donation_succeeded",
    "WECHAT_TEMPLATE_NEED_FUNDED": "tmpl_need_funded",
    "WECHAT_TEMPLATE_PAID_OUT": "tmpl_paid_out",
    "WECHAT_TEMPLATE_NEED_CLOSED": "tmpl_need_closed",
    "MP_TOKEN_TTL_S": 7200,
    "PRIVACY_VERSION": "2026-12",
    "PRIVACY_TEXT": (
        "开平市慈善会与开平市司法局社区矫正帮扶平台隐私说明：我们仅为完成捐赠、出具捐赠证书和"
        "公益事业捐赠票据、发送您订阅的消息而处理您的微信标识（openid）、昵称、捐赠记录和留言。"
        "留言经微信内容安全检测，可能经工作人员审核后展示。您可随时在“我的”中注销，"
        "注销后我们删除您的身份信息，尚未开具的捐赠票据申请随之撤销；已开具的公益事业捐赠票据"
        "属于会计凭证，依法保留票据上的抬头。捐赠和财务记录依法以匿名方式保留。"
    ),
}


def make_wechat(config: dict[str, Any]) -> WeChatGateway:
    return WeChatPyGateway(
        WeChatConfig(
            appid=config["WECHAT_APPID"],
            secret=config["WECHAT_SECRET"],
            api_base_url=config["WECHAT_API_BASE"],
            timeout=float(config["WECHAT_TIMEOUT_S"]),
        )
    )


def current_wechat() -> WeChatGateway:
    gateway: WeChatGateway = current_app.extensions["wechat"]
    return gateway


def subscribe_templates() -> dict[str, str]:
    config = current_app.config
    return {
        "donation_succeeded": config["WECHAT_TEMPLATE_DONATION_SUCCEEDED"],
        "need_funded": config["WECHAT_TEMPLATE_NEED_FUNDED"],
        "paid_out": config["WECHAT_TEMPLATE_PAID_OUT"],
        "need_closed": config["WECHAT_TEMPLATE_NEED_CLOSED"],
    }
