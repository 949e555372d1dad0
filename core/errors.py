"""Domain errors of the ground floor. The portal maps them to form errors and flashes."""

from __future__ import annotations


class DomainError(Exception):
    """A rule was broken; `message` is a user-facing sentence (translatable msgid)."""

    code = "domain_error"

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


class NotFound(DomainError):
    """Missing or outside the actor's scope: the two must look the same."""

    code = "not_found"


class PermissionDenied(DomainError):
    code = "permission_denied"


class ValidationFailed(DomainError):
    code = "invalid"

    def __init__(self, message: str, field: str | None = None, **params: object) -> None:
        super().__init__(message, **params)
        self.field = field


class InvalidFields(ValidationFailed):
    """Several fields are wrong at once: each is shown on its field, all together."""

    def __init__(self, errors: list[ValidationFailed]) -> None:
        super().__init__(errors[0].message, field=errors[0].field, **errors[0].params)
        self.errors = errors


class Conflict(DomainError):
    code = "conflict"


class PublicationRefused(DomainError):
    code = "publication_refused"

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons
