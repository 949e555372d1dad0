"""Forms of the bases pages. Labels are msgids; the services check everything again."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from core.forms import REQUIRED
from core.towns import TOWN_NAMES
from jobs_bases.bases.models import BaseKind
from jobs_bases.views_common import options

KIND_LABELS = {
    BaseKind.EDUCATION.value: _l("Education base"),
    BaseKind.WELFARE.value: _l("Public-welfare base"),
    BaseKind.EMPLOYMENT.value: _l("Employment base"),
}
DATE = _l("Enter a date like 2026-06-30.")
TIME = _l("Enter a time like 09:30.")


class BaseForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=120)])
    kind = SelectField(_l("Kind"), choices=options(KIND_LABELS.items()))
    town = SelectField(_l("Town"), choices=options((t, t) for t in TOWN_NAMES))
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    organisation = StringField(_l("Partner organisation"), validators=[Optional(), Length(max=120)])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=60)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=32)])
    capacity = IntegerField(
        _l("Capacity (people at the same time)"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(min=1, max=500, message=_l("Enter a number from 1 to 500.")),
        ],
    )
    activities = StringField(
        _l("Activities offered (comma separated)"),
        validators=[DataRequired(REQUIRED), Length(max=500)],
    )
    submit = SubmitField(_l("Save"))


class ShareFields:
    """What the person agreed the base (or employer) may be told."""

    share_name = BooleanField(_l("Their name"))
    share_phone = BooleanField(_l("Their phone number"))
    share_status = BooleanField(_l("That they are under community corrections or in resettlement"))
    share_offence = BooleanField(_l("Their offence (only with the person's explicit consent)"))


class PlacementForm(FlaskForm, ShareFields):
    person_id = HiddenField(validators=[DataRequired(REQUIRED)])
    base_id = SelectField(_l("Base"), coerce=int)
    starts_on = DateField(_l("From"), validators=[DataRequired(DATE)])
    ends_on = DateField(_l("Until"), validators=[DataRequired(DATE)])
    note = TextAreaField(
        _l("What the base needs to know"), validators=[Optional(), Length(max=2000)]
    )
    submit = SubmitField(_l("Place"))


class ConsentForm(FlaskForm, ShareFields):
    submit = SubmitField(_l("Record consent"))


class SessionForm(FlaskForm):
    on_date = DateField(_l("Date"), validators=[DataRequired(DATE)])
    start_time = TimeField(_l("Start"), validators=[DataRequired(TIME)])
    end_time = TimeField(_l("End"), validators=[DataRequired(TIME)])
    activity = SelectField(_l("Activity"))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Log session"))


class EndForm(FlaskForm):
    ended_on = DateField(_l("Ended on"), validators=[DataRequired(DATE)])
    submit = SubmitField(_l("End placement"))
