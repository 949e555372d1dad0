"""Forms of the volunteer's account pages. Labels and messages are msgids."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from core.forms import REQUIRED
from core.towns import TOWN_NAMES
from volunteers.accounts.models import Gender, OrganisationKind, VolunteerKind
from volunteers.accounts.profile import LANGUAGES, SLOTS, slot_label


class CheckboxesField(SelectMultipleField):
    """A list of checkboxes: easier than a multi-select on a phone."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


KIND_CHOICES = [
    SelectChoice(VolunteerKind.INDIVIDUAL.value, _l("For myself")),
    SelectChoice(VolunteerKind.ORGANISATION.value, _l("For an organisation's team")),
]
ORGANISATION_KIND_CHOICES = [
    SelectChoice(OrganisationKind.CIVIC_ASSOCIATION.value, _l("Civic association")),
    SelectChoice(OrganisationKind.PRISON.value, _l("Prison volunteer team")),
    SelectChoice(OrganisationKind.SCHOOL.value, _l("School")),
    SelectChoice(OrganisationKind.ENTERPRISE.value, _l("Enterprise")),
    SelectChoice(OrganisationKind.OTHER.value, _l("Other")),
]
GENDER_CHOICES = [
    SelectChoice(Gender.UNSTATED.value, _l("Prefer not to say")),
    SelectChoice(Gender.FEMALE.value, _l("Female")),
    SelectChoice(Gender.MALE.value, _l("Male")),
]


class RegisterForm(FlaskForm):
    kind = SelectField(
        _l("I register"), choices=KIND_CHOICES, default=VolunteerKind.INDIVIDUAL.value
    )
    organisation_name = StringField(_l("Organisation"), validators=[Optional(), Length(max=120)])
    organisation_kind = SelectField(
        _l("Kind of organisation"),
        choices=ORGANISATION_KIND_CHOICES,
        default=OrganisationKind.OTHER.value,
    )
    username = StringField(_l("Username"), validators=[DataRequired(REQUIRED), Length(max=64)])
    display_name = StringField(
        _l("Your name (or your team's)"), validators=[DataRequired(REQUIRED), Length(max=60)]
    )
    email = StringField(_l("Email"), validators=[Optional(), Length(max=254)])
    phone = StringField(_l("Mobile number"), validators=[Optional(), Length(max=20)])
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED), Length(max=256)])
    gender = SelectField(_l("Gender"), choices=GENDER_CHOICES, default=Gender.UNSTATED.value)
    skills = StringField(_l("Skills (comma separated)"), validators=[Optional(), Length(max=300)])
    languages = CheckboxesField(_l("Languages"), choices=[SelectChoice(x, x) for x in LANGUAGES])
    towns = CheckboxesField(
        _l("Towns where you can help"), choices=[SelectChoice(t, t) for t in TOWN_NAMES]
    )
    availability = CheckboxesField(
        _l("When you are free each week"), choices=[SelectChoice(s, slot_label(s)) for s in SLOTS]
    )
    conduct_version = HiddenField()
    conduct_agreed = BooleanField(_l("I have read the volunteer code of conduct and agree to it"))
    submit = SubmitField(_l("Register"))


class VolunteerLoginForm(FlaskForm):
    login = StringField(
        _l("Username, email or mobile"), validators=[DataRequired(REQUIRED), Length(max=254)]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED), Length(max=256)])
    submit = SubmitField(_l("Log in"))


class ResetRequestForm(FlaskForm):
    login = StringField(
        _l("Username, email or mobile"), validators=[DataRequired(REQUIRED), Length(max=254)]
    )
    submit = SubmitField(_l("Send me a link"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(REQUIRED), Length(max=256)]
    )
    submit = SubmitField(_l("Set the new password"))
