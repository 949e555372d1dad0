"""Reading what a consent form's boxes say (the placement and referral forms share them)."""

from __future__ import annotations

from jobs_bases.consent.models import SharedField


def shares_from(form: object) -> list[SharedField]:
    return [
        field
        for field in SharedField
        if getattr(getattr(form, f"share_{field.value}", None), "data", False)
    ]
