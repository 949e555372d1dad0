"""What staff read for each need category (the glossary's words); msgids for Flask-Babel."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.needs.models import NeedCategory

CATEGORY_LABELS = {
    NeedCategory.EDUCATION.value: _l("Education support"),
    NeedCategory.MEDICAL.value: _l("Medical aid"),
    NeedCategory.LIVING.value: _l("Hardship relief"),
    NeedCategory.TRAINING.value: _l("Skills training"),
    NeedCategory.TOOLS.value: _l("Start-up support and tools"),
    NeedCategory.HOUSING.value: _l("Housing"),
    NeedCategory.LEGAL.value: _l("Legal aid"),
}

# A need's status as staff read it (the same words as the pages).
STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "approved": _l("Approved"),
    "published": _l("Published"),
    "funded": _l("Funded"),
    "disbursed": _l("Disbursed"),
    "closed": _l("Closed"),
    "cancelled": _l("Cancelled"),
    "expired": _l("Expired"),
}
