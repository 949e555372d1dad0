"""Domain errors of volunteer accounts; messages are msgids (translated where shown)."""

from __future__ import annotations

from core.errors import DomainError, ValidationFailed


class RegistrationRefused(ValidationFailed):
    """A field of the registration breaks a rule (taken, weak, missing)."""

    code = "registration_refused"


class VolunteerLoginFailed(DomainError):
    """Wrong login or password, or an inactive account: deliberately the same."""

    code = "login_failed"


class VolunteerLoginBlocked(DomainError):
    """Too many failures for this login or from this address (answers 429)."""

    code = "login_blocked"


class ResetLinkInvalid(DomainError):
    """Unknown, used or expired reset link: deliberately the same."""

    code = "reset_link_invalid"
