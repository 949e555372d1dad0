"""Small helpers shared by the portal's views."""

from __future__ import annotations

from flask import request

from core.params import local_path, local_referrer
from core.web import int_arg, show_error

__all__ = ["int_arg", "safe_next", "show_error", "split_list"]


def safe_next(default: str, *, referrer: bool = False) -> str:
    """Where to go next: the `next` argument (or, when asked, the page the browser came
    from) if it is a path of this site, else `default`. Every redirect that follows a
    client's choice goes through here, so a crafted link cannot lead elsewhere."""
    target = local_path(request.args.get("next", ""))
    if target is None and referrer:
        target = local_referrer()
    return target or default


def split_list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").replace("，", ",").split(",") if part.strip()]
