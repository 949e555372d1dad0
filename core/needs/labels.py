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
