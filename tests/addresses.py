"""Addresses of other sites in what the portal serves.

The platform must work with no internet and load nothing from elsewhere: no page,
stylesheet, script or chart may carry an `http(s)://` address of another host, or a
protocol-relative `//host` link. Every answer the test clients receive is scanned
(tests/conftest.py, judged at the end of a whole run in tests/session_checks.py),
and tests/portal/test_no_outside_addresses.py walks every page itself.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

URL = re.compile(r"""https?://[^\s"'<>)\\]+""", re.IGNORECASE)
PROTOCOL_RELATIVE = re.compile(r"""(?:src|href|xlink:href)\s*=\s*["']?//|url\(\s*["']?//""")
NAMESPACE = re.compile(r"""xmlns(?::[\w-]+)?\s*=\s*["']([^"']+)["']""")
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def outside_addresses(text: str, *, svg: bool = False) -> list[str]:
    """Every address of another site in a page or SVG: http(s)://… not on this machine, and
    protocol-relative //host links. An SVG's XML namespace URIs name, they do not load."""
    if svg:
        namespaces = set(NAMESPACE.findall(text))
        text = NAMESPACE.sub("", text)
        assert namespaces <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    found = [url for url in URL.findall(text) if urlsplit(url).hostname not in LOCAL_HOSTS]
    found += PROTOCOL_RELATIVE.findall(text)
    return found
