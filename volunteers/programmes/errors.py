"""Domain errors of programmes, sign-ups and hours; messages are msgids."""

from __future__ import annotations

from core.errors import Conflict, ValidationFailed


class ShiftInvalid(ValidationFailed):
    """A programme, activity or shift as entered breaks a rule (times, capacity...)."""

    code = "shift_invalid"


class SignupRefused(Conflict):
    """A sign-up, cancellation, check-in or check-out the rules refuse."""

    code = "signup_refused"


class HoursRefused(Conflict):
    """An hours decision that does not apply (already decided...)."""

    code = "hours_refused"
