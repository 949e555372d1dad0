"""Events: recorded with each state change, listed as Stripe lists them, queued for webhooks."""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from typing import Any

from .errors import invalid_request, resource_missing
from .forms import Params
from .ids import new_id, now

JSONObject = dict[str, Any]

EVENT_TYPES = (
    "payment_intent.created",
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.canceled",
    "charge.refunded",
    "refund.created",
    "refund.updated",
)
_CREATED_BOUNDS = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
# A delivery that is neither delivered nor abandoned with its endpoint still counts.
_PENDING_SQL = (
    "(SELECT count(*) FROM deliveries d WHERE d.event_id = e.id"
    " AND d.status NOT IN ('delivered', 'canceled'))"
)


@dataclass(frozen=True)
class RequestContext:
    """What an event records about the API request that caused it."""

    request_id: str | None
    idempotency_key: str | None
    api_version: str


def record_event(
    conn: sqlite3.Connection,
    event_type: str,
    obj: JSONObject,
    context: RequestContext,
    *,
    previous_attributes: JSONObject | None = None,
) -> JSONObject:
    """Store the event and queue one delivery per endpoint listening for its type."""
    data: JSONObject = {"object": obj}
    if previous_attributes is not None:
        data["previous_attributes"] = previous_attributes
    event: JSONObject = {
        "id": new_id("evt"),
        "object": "event",
        "api_version": context.api_version,
        "created": now(),
        "data": data,
        "livemode": False,
        "request": {"id": context.request_id, "idempotency_key": context.idempotency_key},
        "type": event_type,
    }
    conn.execute(
        "INSERT INTO events (id, type, created, body) VALUES (?, ?, ?, ?)",
        (event["id"], event_type, event["created"], json.dumps(event)),
    )
    queued_at = time.time()
    listeners = conn.execute("SELECT id, enabled_events FROM webhook_endpoints").fetchall()
    for endpoint in listeners:
        enabled = json.loads(endpoint["enabled_events"])
        if "*" in enabled or event_type in enabled:
            conn.execute(
                "INSERT INTO deliveries (event_id, endpoint_id, status, next_attempt_at,"
                " created_at) VALUES (?, ?, 'pending', ?, ?)",
                (event["id"], endpoint["id"], queued_at, queued_at),
            )
    return event


def get_event(conn: sqlite3.Connection, event_id: str) -> JSONObject:
    row = conn.execute(
        f"SELECT e.body, {_PENDING_SQL} AS pending FROM events e WHERE e.id = ?",  # noqa: S608
        (event_id,),
    ).fetchone()
    if row is None:
        raise resource_missing("event", event_id)
    return _render(row)


def list_events(conn: sqlite3.Connection, params: Params) -> JSONObject:
    """Newest first, paged with `starting_after` / `ending_before` like every Stripe list."""
    limit = params.integer("limit", minimum=1, maximum=100) or 10
    starting_after = params.string("starting_after")
    ending_before = params.string("ending_before")
    if starting_after and ending_before:
        raise invalid_request(
            "You may only specify one of these parameters: ending_before, starting_after."
        )
    clauses: list[str] = []
    args: list[object] = []
    for param, cursor, comparison in (
        ("starting_after", starting_after, "<"),
        ("ending_before", ending_before, ">"),
    ):
        if cursor is not None:
            clauses.append(f"e.seq {comparison} ?")
            args.append(_seq_of(conn, cursor, param))
    _filter_created(params, clauses, args)
    _filter_types(params, clauses, args)
    params.reject_unknown()

    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    # Paging backwards walks up from the cursor, then shows the page newest first.
    order = "ASC" if ending_before else "DESC"
    rows = conn.execute(
        f"SELECT e.body, {_PENDING_SQL} AS pending FROM events e {where}"  # noqa: S608
        f" ORDER BY e.seq {order} LIMIT ?",
        (*args, limit + 1),
    ).fetchall()
    page = rows[:limit]
    if ending_before:
        page.reverse()
    return {
        "object": "list",
        "url": "/v1/events",
        "has_more": len(rows) > limit,
        "data": [_render(row) for row in page],
    }


def _seq_of(conn: sqlite3.Connection, event_id: str, param: str) -> int:
    row = conn.execute("SELECT seq FROM events WHERE id = ?", (event_id,)).fetchone()
    if row is None:
        raise resource_missing("event", event_id, param=param)
    return int(row["seq"])


def _filter_created(params: Params, clauses: list[str], args: list[object]) -> None:
    created = params.data.get("created")
    if created is None:
        return
    if isinstance(created, str):
        exact = params.integer("created", minimum=0, maximum=2**62)
        clauses.append("e.created = ?")
        args.append(exact)
        return
    bounds = Params(params.mapping("created") or {})
    for name, operator in _CREATED_BOUNDS.items():
        value = bounds.integer(name, minimum=0, maximum=2**62)
        if value is not None:
            clauses.append(f"e.created {operator} ?")
            args.append(value)
    bounds.reject_unknown()


def _filter_types(params: Params, clauses: list[str], args: list[object]) -> None:
    single = params.string("type")
    several = params.strings("types")
    if single is not None and several is not None:
        raise invalid_request("You may pass either type or types, but not both.", param="types")
    if single is not None:
        if "*" in single:
            # Stripe allows `payment_intent.*`; `_` is a LIKE wildcard, so escape it.
            pattern = single.replace("!", "!!").replace("%", "!%").replace("_", "!_")
            clauses.append("e.type LIKE ? ESCAPE '!'")
            args.append(pattern.replace("*", "%"))
        else:
            clauses.append("e.type = ?")
            args.append(single)
    if several is not None:
        if not several or len(several) > 20:
            raise invalid_request("types must list between 1 and 20 event types.", param="types")
        clauses.append(f"e.type IN ({', '.join('?' for _ in several)})")
        args.extend(several)


def _render(row: sqlite3.Row) -> JSONObject:
    event: JSONObject = json.loads(row["body"])
    event["pending_webhooks"] = int(row["pending"])
    return event
