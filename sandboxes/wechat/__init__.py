"""A stand-in for the WeChat API endpoints the platform calls (see README.md)."""

from sandboxes.wechat.app import create_app

__all__ = ["create_app"]
