"""Small helpers shared by the portal's views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request

from core.web import int_arg, show_error

__all__ = ["int_arg", "safe_next", "show_error", "split_list"]


def safe_next(default: str) -> str:
    """Only same-site relative paths, so a crafted link cannot redirect elsewhere."""
    target = request.args.get("next") or request.referrer or ""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        if parts.netloc != request.host:
            return default
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return target if target.startswith("/") and not target.startswith("//") else default


def split_list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").replace("，", ",").split(",") if part.strip()]
