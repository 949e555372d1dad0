"""Forms of the project pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from core.forms import REQUIRED, YuanField


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
    goal = YuanField(_l("Goal (yuan)"), validators=[DataRequired(REQUIRED)])
    starts_on = DateField(_l("Starts on"), validators=[InputRequired(REQUIRED)])
    ends_on = DateField(_l("Ends on"), validators=[InputRequired(REQUIRED)])
    min_yuan = YuanField(
        _l("Smallest donation (yuan)"), default="1", validators=[DataRequired(REQUIRED)]
    )
    max_yuan = YuanField(
        _l("Largest donation (yuan)"), default="50000", validators=[DataRequired(REQUIRED)]
    )
    daily_max_yuan = YuanField(
        _l("Daily limit per donor (yuan)"), default="100000", validators=[DataRequired(REQUIRED)]
    )
    daily_max_count = IntegerField(
        _l("Daily donations per donor"),
        default=50,
        validators=[InputRequired(REQUIRED), NumberRange(1, 1000)],
    )
    submit = SubmitField(_l("Save"))


class BulkListingForm(FlaskForm):
    """Several published needs at once; the ticked ids come as `need_id` values."""

    submit = SubmitField(_l("Put the ticked needs on the map"))


class ListingForm(FlaskForm):
    need_id = SelectField(_l("Published need"), coerce=int, validators=[InputRequired(REQUIRED)])
    submit = SubmitField(_l("Put on the map"))
