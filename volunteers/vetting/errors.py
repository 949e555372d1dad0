"""Domain errors of vetting; messages are msgids."""

from __future__ import annotations

from core.errors import Conflict, ValidationFailed


class VettingRefused(Conflict):
    """The decision does not fit the volunteer's state or record (e.g. approving
    without a signed pledge)."""

    code = "vetting_refused"


class VettingInvalid(ValidationFailed):
    code = "vetting_invalid"
