"""Forms of the mentoring pages, staff and volunteer. Labels and messages are msgids;
the services check every value again."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from core.forms import REQUIRED
from volunteers.accounts.forms import CheckboxesField
from volunteers.accounts.profile import LANGUAGES, SLOTS, slot_label
from volunteers.mentoring.models import ConflictReason

BAD_DATE = _l("Enter a date such as 2025-03-01.")
BAD_NUMBER = _l("Enter a whole number.")


class ProfileForm(FlaskForm):
    seeking = BooleanField(_l("Put forward for the next pairing run"))
    needs = StringField(
        _l("Needs in plain words (comma separated)"), validators=[Optional(), Length(max=300)]
    )
    needs_note = TextAreaField(
        _l("A sentence for the mentor (no name, phone or ID number)"),
        validators=[Optional(), Length(max=300)],
    )
    languages = CheckboxesField(_l("Languages"), choices=[SelectChoice(x, x) for x in LANGUAGES])
    availability = CheckboxesField(
        _l("Free time each week"), choices=[SelectChoice(s, slot_label(s)) for s in SLOTS]
    )
    wants_same_gender = BooleanField(_l("Wants a mentor of the same gender"))
    submit = SubmitField(_l("Save"))


class ConsentForm(FlaskForm):
    given_on = DateField(
        _l("Consent given on"),
        validators=[InputRequired(REQUIRED)],
        invalid_value_message=BAD_DATE,
    )
    share_town = BooleanField(_l("The mentor may know the town"))
    share_languages = BooleanField(_l("The mentor may know the languages"))
    share_needs = BooleanField(_l("The mentor may know the needs in plain words"))
    submit = SubmitField(_l("Record the consent"))


CONFLICT_REASONS = [
    SelectChoice(ConflictReason.SAME_VILLAGE.value, _l("Same village")),
    SelectChoice(ConflictReason.RELATIVE.value, _l("A relative")),
    SelectChoice(ConflictReason.ACQUAINTANCE.value, _l("Knows the person")),
    SelectChoice(ConflictReason.OTHER.value, _l("Other")),
]


class ConflictForm(FlaskForm):
    volunteer_id = SelectField(
        _l("Volunteer"), coerce=int, validators=[InputRequired(REQUIRED)], choices=[]
    )
    reason = SelectField(_l("Reason"), choices=CONFLICT_REASONS)
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Declare the conflict"))


class NoteForm(FlaskForm):
    """Declining or ending a pair: a reason is required."""

    note = TextAreaField(_l("Reason"), validators=[DataRequired(REQUIRED), Length(max=500)])
    submit = SubmitField(_l("Confirm"))


class CapacityForm(FlaskForm):
    capacity = IntegerField(
        _l("Mentees at once"),
        validators=[InputRequired(REQUIRED)],
        invalid_value_message=BAD_NUMBER,
    )
    submit = SubmitField(_l("Save"))


class ResolveForm(FlaskForm):
    resolution = TextAreaField(
        _l("What was done"), validators=[DataRequired(REQUIRED), Length(max=500)]
    )
    submit = SubmitField(_l("Mark resolved"))


class MeetingForm(FlaskForm):
    met_on = DateField(
        _l("Date of the meeting"),
        validators=[InputRequired(REQUIRED)],
        invalid_value_message=BAD_DATE,
    )
    duration_min = IntegerField(
        _l("Length (minutes)"),
        validators=[InputRequired(REQUIRED)],
        invalid_value_message=BAD_NUMBER,
    )
    topic = StringField(
        _l("What you talked about"), validators=[DataRequired(REQUIRED), Length(max=200)]
    )
    concern = BooleanField(_l("Something worries me: tell the officer"))
    concern_note = TextAreaField(_l("What worries you"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Record the meeting"))
