"""Forms of the programme pages (staff) and of the volunteer's shift pages."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from core.forms import REQUIRED
from core.timeutil import SHANGHAI
from core.towns import TOWN_NAMES
from volunteers.programmes.catalogue import MAX_CAPACITY


class ProgrammeForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=80)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    coordinator_ids = SelectMultipleField(_l("Coordinators"), coerce=int, validate_choice=False)
    partner_ids = SelectMultipleField(
        _l("Partner organisations"), coerce=int, validate_choice=False
    )
    active = BooleanField(_l("Open to volunteers"), default=True)
    submit = SubmitField(_l("Save"))


class ActivityForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    needs_vetting = BooleanField(
        _l("Involves the people we help (approved volunteers only)"), default=True
    )
    submit = SubmitField(_l("Save"))


class ShiftForm(FlaskForm):
    day = DateField(_l("Date"), validators=[InputRequired(REQUIRED)])
    starts = TimeField(_l("Starts at"), validators=[InputRequired(REQUIRED)])
    ends = TimeField(_l("Ends at"), validators=[InputRequired(REQUIRED)])
    place = StringField(_l("Place"), validators=[DataRequired(REQUIRED), Length(max=120)])
    town = SelectField(
        _l("Town"), choices=[SelectChoice("", "—"), *(SelectChoice(t, t) for t in TOWN_NAMES)]
    )
    capacity = IntegerField(
        _l("Capacity"), validators=[InputRequired(REQUIRED), NumberRange(1, MAX_CAPACITY)]
    )
    submit = SubmitField(_l("Add shift"))

    def moments(self) -> tuple[datetime, datetime]:
        """Start and end as aware datetimes (the form's times are Shanghai time)."""
        assert self.day.data and self.starts.data and self.ends.data
        start = datetime.combine(self.day.data, self.starts.data, tzinfo=SHANGHAI)
        end = datetime.combine(self.day.data, self.ends.data, tzinfo=SHANGHAI)
        return start, end


class CapacityForm(FlaskForm):
    capacity = IntegerField(
        _l("Capacity"), validators=[InputRequired(REQUIRED), NumberRange(1, MAX_CAPACITY)]
    )
    submit = SubmitField(_l("Change capacity"))


class CodeForm(FlaskForm):
    code = StringField(
        _l("Shift code (ask the coordinator)"), validators=[DataRequired(REQUIRED), Length(max=12)]
    )
    submit = SubmitField(_l("Confirm"))
