"""The donations wing's staff forms. Labels are msgids; Flask-Babel translates them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

REQUIRED = _l("This field is required.")


METHOD_LABELS = {
    "bank_transfer": _l("Bank transfer to a school, hospital or vendor"),
    "cash": _l("Cash aid"),
    "voucher": _l("In-kind voucher"),
}


class ActionForm(FlaskForm):
    submit = SubmitField(_l("Confirm"))


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(REQUIRED), Length(max=500)])
    submit = SubmitField(_l("Reject"))


class PayoutForm(FlaskForm):
    listing_id = SelectField(_l("Funded need"), validators=[InputRequired(REQUIRED)])
    amount = StringField(_l("Amount (yuan)"), validators=[DataRequired(REQUIRED)])
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


class ProjectForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), Length(max=120)])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=2000)])
    charity_name = StringField(_l("Charity"), validators=[DataRequired(REQUIRED), Length(max=120)])
    fundraising_reg_no = StringField(
        _l("Fundraising registration number"), validators=[DataRequired(REQUIRED), Length(max=64)]
    )
    lat = DecimalField(
        _l("Latitude (GCJ-02)"),
        places=6,
        validators=[InputRequired(REQUIRED), NumberRange(-90, 90)],
    )
    lng = DecimalField(
        _l("Longitude (GCJ-02)"),
        places=6,
        validators=[InputRequired(REQUIRED), NumberRange(-180, 180)],
    )
    goal = StringField(_l("Goal (yuan)"), validators=[DataRequired(REQUIRED)])
    starts_on = DateField(_l("Starts on"), validators=[InputRequired(REQUIRED)])
    ends_on = DateField(_l("Ends on"), validators=[InputRequired(REQUIRED)])
    min_yuan = StringField(_l("Smallest donation (yuan)"), default="1")
    max_yuan = StringField(_l("Largest donation (yuan)"), default="50000")
    daily_max_yuan = StringField(_l("Daily limit per donor (yuan)"), default="100000")
    daily_max_count = IntegerField(
        _l("Daily donations per donor"),
        default=50,
        validators=[InputRequired(REQUIRED), NumberRange(1, 1000)],
    )
    submit = SubmitField(_l("Save"))


class ListingForm(FlaskForm):
    need_id = SelectField(_l("Published need"), coerce=int, validators=[InputRequired(REQUIRED)])
    submit = SubmitField(_l("Put on the map"))


class IssueForm(FlaskForm):
    receipt_no = StringField(
        _l("Receipt number"), validators=[DataRequired(REQUIRED), Length(max=64)]
    )
    submit = SubmitField(_l("Mark issued"))


class RefundForm(FlaskForm):
    amount = StringField(
        _l("Amount (yuan)"), validators=[DataRequired(_l("This field is required."))]
    )
    reason = TextAreaField(
        _l("Reason"), validators=[DataRequired(_l("This field is required.")), Length(max=500)]
    )
    submit = SubmitField(_l("Refund"))


class RunForm(FlaskForm):
    submit = SubmitField(_l("Reconcile now"))
