"""The OpenAPI 3 document of `/api/mp/v1`, served at `/api/mp/v1/openapi.json`."""

from __future__ import annotations

from typing import Any

from donations.api.errors import ERROR_CODES
from donations.donors.services import MAX_DISPLAY_NAME, MAX_TEMPLATES

ERROR = {"$ref": "#/components/schemas/Error"}


def _resp(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"description": description}
    if schema is not None:
        out["content"] = {"application/json": {"schema": schema}}
    return out


def _errors(*codes: int) -> dict[str, Any]:
    return {str(c): _resp("error", ERROR) for c in codes}


def _list_of(ref: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["data", "next_cursor"],
        "properties": {
            "data": {"type": "array", "items": {"$ref": ref}},
            "next_cursor": {"type": ["string", "null"]},
        },
    }


NULL_STR = {"type": ["string", "null"]}
FEN = {"type": "integer", "minimum": 0}
SECURED: list[dict[str, list[str]]] = [{"bearer": []}]
CURSOR = {"name": "cursor", "in": "query", "schema": {"type": "string"}}
LIMIT = {
    "name": "limit",
    "in": "query",
    "schema": {"type": "integer", "minimum": 1, "maximum": 100},
}


WAIT = {
    "name": "wait",
    "in": "query",
    "description": "Whole seconds to hold the answer while the donation is pending (a long poll).",
    "schema": {"type": "integer", "minimum": 0, "maximum": 10, "default": 0},
}


def _path_id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "enum": list(ERROR_CODES)},
                    "message": {
                        "type": "string",
                        "description": "In Chinese, fit to show the donor; amounts in yuan.",
                    },
                },
            }
        },
    },
    "Rules": {
        "type": "object",
        "required": ["min_fen", "max_fen", "daily_max_fen"],
        "properties": {
            "min_fen": FEN,
            "max_fen": FEN,
            "daily_max_fen": FEN,
            "daily_max_count": {"type": "integer"},
            "if_need_closes_default": {"type": "string"},
        },
    },
    "Project": {
        "type": "object",
        "required": [
            "id",
            "title",
            "summary",
            "charity_name",
            "fundraising_reg_no",
            "lat",
            "lng",
            "distance_km",
            "goal_fen",
            "raised_fen",
            "donor_count",
            "status",
            "starts_on",
            "ends_on",
            "rules",
        ],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "charity_name": {"type": "string"},
            "fundraising_reg_no": {"type": "string"},
            "lat": {"type": "number"},
            "lng": {"type": "number"},
            "distance_km": {"type": ["number", "null"]},
            "goal_fen": FEN,
            "raised_fen": FEN,
            "donor_count": {"type": "integer", "minimum": 0},
            "status": {"type": "string", "enum": ["active", "closed"]},
            "starts_on": {"type": "string", "format": "date"},
            "ends_on": {"type": "string", "format": "date"},
            "rules": {"$ref": "#/components/schemas/Rules"},
            "needs": {"type": "array", "items": {"$ref": "#/components/schemas/NeedCard"}},
        },
    },
    "NeedCard": {
        "type": "object",
        "required": [
            "id",
            "project_id",
            "alias",
            "age_band",
            "town",
            "category",
            "story",
            "amount_fen",
            "raised_fen",
            "status",
            "deadline",
        ],
        "properties": {
            "id": {"type": "string"},
            "project_id": {"type": "string"},
            "alias": {"type": "string"},
            "age_band": {"type": "string"},
            "town": {"type": "string"},
            "category": {"type": "string"},
            "story": {"type": "string"},
            "amount_fen": FEN,
            "raised_fen": FEN,
            "status": {"type": "string", "enum": ["published", "funded", "disbursed", "closed"]},
            "deadline": {"type": "string", "format": "date"},
        },
    },
    "Donation": {
        "type": "object",
        "required": [
            "id",
            "project_id",
            "need_id",
            "amount_fen",
            "status",
            "redirected_to_pool",
            "anonymous",
            "message",
            "if_need_closes",
            "created_at",
            "paid_at",
        ],
        "properties": {
            "id": {"type": "string"},
            "project_id": {"type": "string"},
            "need_id": NULL_STR,
            "amount_fen": FEN,
            "status": {
                "type": "string",
                "enum": ["pending", "succeeded", "failed", "refunded", "partially_refunded"],
            },
            "redirected_to_pool": {"type": "boolean"},
            "anonymous": {"type": "boolean"},
            "message": NULL_STR,
            "message_status": NULL_STR,
            "if_need_closes": {"type": "string", "enum": ["pool", "same_person"]},
            "refunded_fen": FEN,
            "certificate_number": NULL_STR,
            "created_at": {"type": "string"},
            "paid_at": NULL_STR,
            "went_to": {"type": "array", "items": {"$ref": "#/components/schemas/WentTo"}},
        },
    },
    "WentTo": {
        "type": "object",
        "required": ["need_alias", "category", "town", "amount_fen", "status"],
        "properties": {
            "need_alias": NULL_STR,
            "category": NULL_STR,
            "town": NULL_STR,
            "amount_fen": FEN,
            "status": {"type": "string"},
        },
    },
    "Payment": {
        "type": "object",
        "required": ["provider", "payment_intent", "client_secret", "publishable_key", "api_base"],
        "properties": {
            "provider": {"type": "string"},
            "payment_intent": {"type": "string"},
            "client_secret": {"type": "string"},
            "publishable_key": {"type": "string"},
            "api_base": {"type": "string"},
        },
    },
    "Certificate": {
        "type": "object",
        "required": [
            "number",
            "donor_display_name",
            "amount_fen",
            "amount_in_words",
            "project_title",
            "charity_name",
            "issued_on",
        ],
        "properties": {
            "number": {"type": "string"},
            "donor_display_name": {"type": "string"},
            "amount_fen": FEN,
            "amount_in_words": {"type": "string"},
            "project_title": {"type": "string"},
            "charity_name": {"type": "string"},
            "issued_on": {"type": "string", "format": "date"},
        },
    },
    "Impact": {
        "type": "object",
        "required": ["id", "alias", "category", "town", "amount_fen", "month"],
        "properties": {
            "id": {"type": "string"},
            # null where fewer than 3 people paid out share it (small cells).
            "alias": NULL_STR,
            "category": NULL_STR,
            "town": NULL_STR,
            "amount_fen": FEN,
            "month": {"type": "string", "pattern": "^\\d{4}-\\d{2}$"},
        },
    },
    "ReceiptRequest": {
        "type": "object",
        "required": ["id", "donation_id", "status"],
        "properties": {
            "id": {"type": "string"},
            "donation_id": {"type": "string"},
            "status": {"type": "string"},
            "name": NULL_STR,
            "credit_code": NULL_STR,
            "receipt_no": NULL_STR,
        },
    },
}


def _json_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def document() -> dict[str, Any]:
    ref = "#/components/schemas/"
    return {
        "openapi": "3.1.0",
        "info": {"title": "Charity map mini-program API", "version": "1.0.0"},
        "servers": [{"url": "/api/mp/v1"}],
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "paths": {
            "/privacy": {
                "get": {
                    "operationId": "getPrivacy",
                    "responses": {
                        "200": _resp(
                            "notice",
                            {
                                "type": "object",
                                "required": ["version", "text"],
                                "properties": {
                                    "version": {"type": "string"},
                                    "text": {"type": "string"},
                                },
                            },
                        )
                    },
                }
            },
            "/auth/login": {
                "post": {
                    "operationId": "login",
                    "requestBody": _json_body(
                        {
                            "type": "object",
                            "required": ["code"],
                            "additionalProperties": False,
                            "properties": {
                                "code": {"type": "string", "minLength": 1, "maxLength": 128},
                                "privacy_version": {"type": "string", "maxLength": 32},
                            },
                        }
                    ),
                    "responses": {
                        "200": _resp(
                            "token",
                            {
                                "type": "object",
                                "required": ["token", "expires_in", "privacy_accepted"],
                                "properties": {
                                    "token": {"type": "string"},
                                    "expires_in": {"type": "integer"},
                                    "privacy_accepted": {"type": "boolean"},
                                },
                            },
                        ),
                        **_errors(400, 401, 429, 503),
                    },
                }
            },
            "/me": {
                "patch": {
                    "operationId": "updateMe",
                    "security": SECURED,
                    "requestBody": _json_body(
                        {
                            "type": "object",
                            "additionalProperties": False,
                            "properties": {
                                "display_name": {"type": "string", "maxLength": MAX_DISPLAY_NAME}
                            },
                        }
                    ),
                    "responses": {"200": _resp("profile", {"type": "object"}), **_errors(400, 401)},
                },
                "delete": {
                    "operationId": "deleteMe",
                    "security": SECURED,
                    "responses": {"204": _resp("deleted"), **_errors(401)},
                },
            },
            "/me/subscriptions": {
                "post": {
                    "operationId": "recordSubscriptions",
                    "security": SECURED,
                    "requestBody": _json_body(
                        {
                            "type": "object",
                            "required": ["template_ids"],
                            "additionalProperties": False,
                            "properties": {
                                "template_ids": {
                                    "type": "array",
                                    "minItems": 1,
                                    "maxItems": MAX_TEMPLATES,
                                    "items": {"type": "string", "minLength": 1},
                                }
                            },
                        }
                    ),
                    "responses": {
                        "201": _resp("recorded", {"type": "object"}),
                        **_errors(400, 401),
                    },
                }
            },
            "/projects": {
                "get": {
                    "operationId": "listProjects",
                    "parameters": [
                        {
                            "name": "lat",
                            "in": "query",
                            "schema": {"type": "number", "minimum": -90, "maximum": 90},
                        },
                        {
                            "name": "lng",
                            "in": "query",
                            "schema": {"type": "number", "minimum": -180, "maximum": 180},
                        },
                        {
                            "name": "radius_km",
                            "in": "query",
                            "schema": {"type": "number", "minimum": 0, "maximum": 20000},
                        },
                        CURSOR,
                        LIMIT,
                    ],
                    "responses": {
                        "200": _resp("projects", _list_of(ref + "Project")),
                        **_errors(400),
                    },
                }
            },
            "/projects/{project_id}": {
                "get": {
                    "operationId": "getProject",
                    "parameters": [_path_id("project_id")],
                    "responses": {
                        "200": _resp("project", {"$ref": ref + "Project"}),
                        **_errors(404),
                    },
                }
            },
            "/needs/{need_id}": {
                "get": {
                    "operationId": "getNeed",
                    "parameters": [_path_id("need_id")],
                    "responses": {
                        "200": _resp("need card", {"$ref": ref + "NeedCard"}),
                        **_errors(404),
                    },
                }
            },
            "/donations": {
                "post": {
                    "operationId": "createDonation",
                    "security": SECURED,
                    "parameters": [
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "required": True,
                            "schema": {"type": "string", "pattern": "^[A-Za-z0-9_\\-:.]{1,128}$"},
                        }
                    ],
                    "requestBody": _json_body(
                        {
                            "type": "object",
                            "required": ["project_id", "amount_fen"],
                            "additionalProperties": False,
                            "properties": {
                                "project_id": {"type": "string"},
                                "need_id": NULL_STR,
                                "amount_fen": {"type": "integer", "minimum": 1},
                                "message": {"type": ["string", "null"], "maxLength": 100},
                                "anonymous": {"type": "boolean"},
                                "if_need_closes": {
                                    "type": "string",
                                    "enum": ["pool", "same_person"],
                                },
                            },
                        }
                    ),
                    "responses": {
                        "201": _resp(
                            "created",
                            {
                                "type": "object",
                                "required": ["donation", "payment"],
                                "properties": {
                                    "donation": {"$ref": ref + "Donation"},
                                    "payment": {"$ref": ref + "Payment"},
                                },
                            },
                        ),
                        "200": _resp(
                            "replayed",
                            {
                                "type": "object",
                                "required": ["donation", "payment"],
                                "properties": {
                                    "donation": {"$ref": ref + "Donation"},
                                    "payment": {"$ref": ref + "Payment"},
                                },
                            },
                        ),
                        **_errors(400, 401, 409, 422, 503),
                    },
                }
            },
            "/donations/{donation_id}": {
                "get": {
                    "operationId": "getDonation",
                    "security": SECURED,
                    "parameters": [_path_id("donation_id"), WAIT],
                    "responses": {
                        "200": {
                            **_resp("donation", {"$ref": ref + "Donation"}),
                            "headers": {
                                "Retry-After": {
                                    "description": "Seconds before asking again: sent when "
                                    "the portal was too busy to wait.",
                                    "schema": {"type": "integer"},
                                }
                            },
                        },
                        **_errors(400, 401, 404),
                    },
                }
            },
            "/me/donations": {
                "get": {
                    "operationId": "myDonations",
                    "security": SECURED,
                    "parameters": [CURSOR, LIMIT],
                    "responses": {
                        "200": _resp("donations", _list_of(ref + "Donation")),
                        **_errors(400, 401),
                    },
                }
            },
            "/me/donations/{donation_id}/certificate": {
                "get": {
                    "operationId": "getCertificate",
                    "security": SECURED,
                    "parameters": [
                        _path_id("donation_id"),
                        {
                            "name": "format",
                            "in": "query",
                            "schema": {"type": "string", "enum": ["json", "png"]},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "certificate",
                            "content": {
                                "application/json": {"schema": {"$ref": ref + "Certificate"}},
                                "image/png": {"schema": {"type": "string", "format": "binary"}},
                            },
                        },
                        **_errors(400, 401, 404),
                    },
                }
            },
            "/me/donations/{donation_id}/receipt-request": {
                "post": {
                    "operationId": "requestReceipt",
                    "security": SECURED,
                    "parameters": [_path_id("donation_id")],
                    "requestBody": _json_body(
                        {
                            "type": "object",
                            "required": ["name"],
                            "additionalProperties": False,
                            "properties": {
                                "name": {"type": "string", "minLength": 1, "maxLength": 120},
                                "credit_code": {"type": "string", "maxLength": 18},
                            },
                        }
                    ),
                    "responses": {
                        "201": _resp("requested", {"$ref": ref + "ReceiptRequest"}),
                        "200": _resp("already requested", {"$ref": ref + "ReceiptRequest"}),
                        **_errors(400, 401, 404),
                    },
                }
            },
            "/impact": {
                "get": {
                    "operationId": "impact",
                    "parameters": [CURSOR, LIMIT],
                    "responses": {
                        "200": _resp("payouts", _list_of(ref + "Impact")),
                        **_errors(400),
                    },
                }
            },
        },
    }
