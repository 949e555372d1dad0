"""Errors of the donations wing. Each has a stable `code` the API maps to its error object."""

from __future__ import annotations

from core.errors import DomainError


class DonationError(DomainError):
    code = "invalid_field"
    status = 400

    def __init__(self, message: str, field: str | None = None, **params: object) -> None:
        super().__init__(message, **params)
        self.field = field


class InvalidField(DonationError):
    code = "invalid_field"
    status = 400


class NeedFull(DonationError):
    code = "need_full"
    status = 422


class ProjectClosed(DonationError):
    code = "project_closed"
    status = 422


class LimitExceeded(DonationError):
    code = "limit_exceeded"
    status = 422


class PrivacyNotAccepted(DonationError):
    code = "privacy_not_accepted"
    status = 422


class MessageRejected(DonationError):
    code = "message_rejected"
    status = 422


class IdempotencyConflict(DonationError):
    code = "idempotency_conflict"
    status = 409


class NotYours(DonationError):
    code = "not_found"
    status = 404


class RefundRefused(DonationError):
    code = "refund_refused"
    status = 422


class UpstreamUnavailable(DonationError):
    code = "upstream_unavailable"
    status = 503


class InvalidLoginCode(DonationError):
    code = "invalid_code"
    status = 401


class WeChatRateLimited(DonationError):
    code = "rate_limited"
    status = 429


class WeChatUnavailable(DonationError):
    code = "upstream_unavailable"
    status = 503
