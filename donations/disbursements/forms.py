"""The payout form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from core.forms import REQUIRED, YuanField

METHOD_LABELS = {
    "bank_transfer": _l("Bank transfer to a school, hospital or vendor"),
    "cash": _l("Cash aid"),
    "voucher": _l("In-kind voucher"),
}


class PayoutForm(FlaskForm):
    listing_id = SelectField(_l("Funded need"), validators=[InputRequired(REQUIRED)])
    amount = YuanField(_l("Amount (yuan)"), validators=[DataRequired(REQUIRED)])
    # WTForms 3.3 deprecates bare (value, label) tuples (and pytest makes warnings errors).
    method = SelectField(
        _l("Method"), choices=[SelectChoice(value, label) for value, label in METHOD_LABELS.items()]
    )
    payee = StringField(_l("Payee"), validators=[DataRequired(REQUIRED), Length(max=160)])
    reference = StringField(_l("Reference"), validators=[DataRequired(REQUIRED), Length(max=120)])
    paid_on = DateField(_l("Payment date"), validators=[InputRequired(REQUIRED)])
    evidence = FileField(
        _l("Evidence (PDF, JPEG or PNG, at most 5 MB)"), validators=[FileRequired(REQUIRED)]
    )
    submit = SubmitField(_l("Record payout"))
