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
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from core.forms import REQUIRED, YuanField
from core.towns import TOWN_NAMES


class ProjectForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), Length(max=120)])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=2000)])
    charity_name = StringField(_l("Charity"), validators=[DataRequired(REQUIRED), Length(max=120)])
    fundraising_reg_no = StringField(
        _l("Fundraising registration number"), validators=[DataRequired(REQUIRED), Length(max=64)]
    )
    # The project shows at its town's centre; a refined point (both numbers) is optional.
    town = SelectField(
        _l("Town"),
        choices=[SelectChoice("", "—"), *(SelectChoice(name, name) for name in TOWN_NAMES)],
        validators=[DataRequired(_l("Choose a town."))],
    )
    lat = DecimalField(
        _l("Refined latitude (GCJ-02, optional)"),
        places=6,
        validators=[Optional(), NumberRange(-90, 90)],
    )
    lng = DecimalField(
        _l("Refined longitude (GCJ-02, optional)"),
        places=6,
        validators=[Optional(), NumberRange(-180, 180)],
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
