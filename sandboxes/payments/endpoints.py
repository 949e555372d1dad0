"""Webhook endpoints: where events are delivered, and the secret that signs them."""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Any
from urllib.parse import urlsplit

from .errors import invalid_request, missing_param, resource_missing
from .forms import Params
from .ids import new_id, new_webhook_secret, now

JSONObject = dict[str, Any]

_EVENT_TYPE = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")


def create_endpoint(conn: sqlite3.Connection, params: Params) -> JSONObject:
    """A new endpoint; its signing `secret` is shown in this answer only, as in Stripe."""
    url = _checked_url(params.required_string("url"))
    enabled_events = _checked_event_types(params.strings("enabled_events"))
    description = params.string("description")
    metadata = params.metadata() or {}
    api_version = params.string("api_version")
    params.string("connect")
    params.reject_unknown()
    endpoint_id = new_id("we")
    insert_endpoint(
        conn,
        endpoint_id,
        url=url,
        secret=new_webhook_secret(),
        enabled_events=enabled_events,
        description=description,
        metadata=metadata,
        api_version=api_version,
    )
    return get_endpoint(conn, endpoint_id, with_secret=True)


def get_endpoint(
    conn: sqlite3.Connection, endpoint_id: str, *, with_secret: bool = False
) -> JSONObject:
    row = conn.execute("SELECT * FROM webhook_endpoints WHERE id = ?", (endpoint_id,)).fetchone()
    if row is None:
        raise resource_missing("webhook_endpoint", endpoint_id)
    return _render(row, with_secret=with_secret)


def list_endpoints(conn: sqlite3.Connection, params: Params) -> JSONObject:
    limit = params.integer("limit", minimum=1, maximum=100) or 10
    params.reject_unknown()
    rows = conn.execute(
        "SELECT * FROM webhook_endpoints ORDER BY created DESC, rowid DESC LIMIT ?", (limit + 1,)
    ).fetchall()
    return {
        "object": "list",
        "url": "/v1/webhook_endpoints",
        "has_more": len(rows) > limit,
        "data": [_render(row, with_secret=False) for row in rows[:limit]],
    }


def delete_endpoint(conn: sqlite3.Connection, endpoint_id: str) -> JSONObject:
    """Remove the endpoint; what was still queued for it will not be sent."""
    deleted = conn.execute("DELETE FROM webhook_endpoints WHERE id = ?", (endpoint_id,))
    if deleted.rowcount == 0:
        raise resource_missing("webhook_endpoint", endpoint_id)
    conn.execute(
        "UPDATE deliveries SET status = 'canceled' WHERE endpoint_id = ? AND status = 'pending'",
        (endpoint_id,),
    )
    return {"id": endpoint_id, "object": "webhook_endpoint", "deleted": True}


def ensure_preregistered_endpoint(
    conn: sqlite3.Connection, url: str, secret: str | None, enabled_events: list[str] | None = None
) -> JSONObject:
    """The one endpoint named by `SANDBOX_WEBHOOK_URL`, receiving `enabled_events`
    (`SANDBOX_WEBHOOK_EVENTS`; every event when not given).

    Kept under one id across restarts: its url, secret and events follow the
    environment, and a restart neither duplicates it nor rotates a secret that was given.
    """
    url = _checked_url(url)
    events = _checked_event_types(enabled_events or ["*"])
    row = conn.execute("SELECT * FROM webhook_endpoints WHERE preregistered = 1").fetchone()
    if row is None:
        endpoint_id = new_id("we")
        insert_endpoint(
            conn,
            endpoint_id,
            url=url,
            secret=secret or new_webhook_secret(),
            enabled_events=events,
            description="Pre-registered from SANDBOX_WEBHOOK_URL",
            metadata={},
            api_version=None,
            preregistered=True,
        )
    else:
        endpoint_id = row["id"]
        conn.execute(
            "UPDATE webhook_endpoints SET url = ?, secret = ?, enabled_events = ? WHERE id = ?",
            (url, secret or row["secret"], json.dumps(events), endpoint_id),
        )
    return get_endpoint(conn, endpoint_id, with_secret=True)


def insert_endpoint(
    conn: sqlite3.Connection,
    endpoint_id: str,
    *,
    url: str,
    secret: str,
    enabled_events: list[str],
    description: str | None,
    metadata: dict[str, str],
    api_version: str | None,
    preregistered: bool = False,
) -> None:
    conn.execute(
        "INSERT INTO webhook_endpoints (id, url, secret, enabled_events, description, metadata,"
        " api_version, preregistered, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            endpoint_id,
            url,
            secret,
            json.dumps(enabled_events),
            description,
            json.dumps(metadata),
            api_version,
            int(preregistered),
            now(),
        ),
    )


def _render(row: sqlite3.Row, *, with_secret: bool) -> JSONObject:
    endpoint: JSONObject = {
        "id": row["id"],
        "object": "webhook_endpoint",
        "api_version": row["api_version"],
        "application": None,
        "created": row["created"],
        "description": row["description"],
        "enabled_events": json.loads(row["enabled_events"]),
        "livemode": False,
        "metadata": json.loads(row["metadata"]),
        "status": "enabled",
        "url": row["url"],
    }
    if with_secret:
        endpoint["secret"] = row["secret"]
    return endpoint


def _checked_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise invalid_request(f"Invalid URL: {url}", code="url_invalid", param="url")
    return url


def _checked_event_types(types: list[str] | None) -> list[str]:
    if not types:
        raise missing_param("enabled_events")
    for event_type in types:
        if event_type != "*" and not _EVENT_TYPE.match(event_type):
            raise invalid_request(
                f"Invalid event type in enabled_events: {event_type}", param="enabled_events"
            )
    return types
