"""Forms of the partner pages and of the partner-account panel on the admin's user page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from core.forms import REQUIRED
from jobs_bases.partners.models import PartnerKind
from jobs_bases.views_common import options

PARTNER_KIND_LABELS = {
    PartnerKind.LABOUR_BUREAU.value: _l("Labour bureau"),
    PartnerKind.SCHOOL.value: _l("School"),
    PartnerKind.ENTERPRISE.value: _l("Enterprise"),
    PartnerKind.OTHER.value: _l("Other organisation"),
}


class PartnerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=120)])
    kind = SelectField(_l("Kind"), choices=options(PARTNER_KIND_LABELS.items()))
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=60)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=32)])
    active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))


class LinkForm(FlaskForm):
    target = SelectField(_l("Speaks for"), coerce=int)
    submit = SubmitField(_l("Link"))


class RenewForm(FlaskForm):
    until = DateField(_l("Access until (empty: the end of the schedule)"), validators=[Optional()])
    submit = SubmitField(_l("Renew access"))
