"""Waiting for a server of our own to answer, for the development launcher and demo."""

from __future__ import annotations

import time
from contextlib import suppress

import httpx


def wait_for(url: str, deadline_s: float = 30) -> bool:
    """True once `url` answers 200 within the deadline; False if it never does."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        with suppress(httpx.HTTPError):  # not up yet
            if httpx.get(url, timeout=2).status_code == 200:
                return True
        time.sleep(0.5)
    return False
