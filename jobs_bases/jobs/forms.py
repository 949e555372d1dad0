"""Forms of the jobs pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from core.forms import REQUIRED, YuanField
from core.towns import TOWN_NAMES
from jobs_bases.bases.forms import DATE, ShareFields
from jobs_bases.views_common import options

OUTCOME_LABELS = {
    "hired": _l("Hired"),
    "not_hired": _l("Not hired"),
    "left": _l("Left the job"),
    "withdrawn": _l("Referral withdrawn"),
}
STATUS_LABELS = {
    "referred": _l("Referred, awaiting an answer"),
    "hired": _l("In the job"),
    "not_hired": _l("Not hired"),
    "left": _l("Left the job"),
    "withdrawn": _l("Withdrawn"),
}


class EmployerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=120)])
    town = SelectField(_l("Town"), choices=options((t, t) for t in TOWN_NAMES))
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=60)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=32)])
    active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))


class OpeningForm(FlaskForm):
    employer_id = SelectField(_l("Employer"), coerce=int)
    title = StringField(_l("Job"), validators=[DataRequired(REQUIRED), Length(max=120)])
    seats = IntegerField(
        _l("Seats"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(min=1, max=500, message=_l("Enter a number from 1 to 500.")),
        ],
    )
    wage_min = YuanField(_l("Lowest monthly wage (yuan)"), validators=[DataRequired(REQUIRED)])
    wage_max = YuanField(_l("Highest monthly wage (yuan)"), validators=[DataRequired(REQUIRED)])
    town = SelectField(_l("Town"), choices=options((t, t) for t in TOWN_NAMES))
    base_id = SelectField(_l("Employment base"), coerce=int)
    requirements = TextAreaField(_l("Requirements"), validators=[Optional(), Length(max=2000)])
    status = SelectField(
        _l("Status"), choices=options([("open", _l("Open")), ("closed", _l("Closed"))])
    )
    submit = SubmitField(_l("Save"))


class ReferralForm(FlaskForm, ShareFields):
    person_id = HiddenField(validators=[DataRequired(REQUIRED)])
    opening_id = SelectField(_l("Opening"), coerce=int)
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Refer"))


class OutcomeForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), choices=options(OUTCOME_LABELS.items()))
    on_date = DateField(_l("On"), validators=[DataRequired(DATE)])
    submit = SubmitField(_l("Record"))


class FollowUpForm(FlaskForm):
    months = SelectField(
        _l("Follow-up"), coerce=int, choices=options([(3, _l("3 months")), (6, _l("6 months"))])
    )
    checked_on = DateField(_l("Checked on"), validators=[DataRequired(DATE)])
    still_employed = RadioField(
        _l("Still employed?"),
        choices=options([("yes", _l("yes")), ("no", _l("no"))]),
        validators=[DataRequired(REQUIRED)],
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Record follow-up"))


class ConsentForm(FlaskForm, ShareFields):
    submit = SubmitField(_l("Record consent"))
