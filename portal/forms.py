"""WTForms for the portal's own pages. Messages are msgids translated by Flask-Babel."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from core.forms import REQUIRED, YuanField
from core.idcard import is_valid_id_number, normalise_id_number
from core.needs.labels import CATEGORY_LABELS
from core.people.models import (
    CorrectionType,
    PersonKind,
    Sex,
)
from core.timeutil import local_today
from core.users import MIN_PASSWORD_LENGTH, Role


def _options(pairs: Iterable[tuple[str, object]]) -> list[SelectChoice]:
    """Static select options; WTForms 3.3 deprecates bare (value, label) tuples."""
    return [SelectChoice(value, label) for value, label in pairs]


SEX_CHOICES = [(Sex.MALE.value, _l("Male")), (Sex.FEMALE.value, _l("Female"))]
KIND_CHOICES = [
    (PersonKind.CORRECTION.value, _l("Community correction")),
    (PersonKind.RESETTLEMENT.value, _l("Post-release resettlement")),
]
CORRECTION_CHOICES = [
    ("", "—"),
    (CorrectionType.SURVEILLANCE.value, _l("Public surveillance")),
    (CorrectionType.PROBATION.value, _l("Suspended sentence")),
    (CorrectionType.PAROLE.value, _l("Parole")),
    (CorrectionType.OUTSIDE_PRISON.value, _l("Temporary service outside prison")),
]
EDUCATION_LABELS = {
    "none": _l("No schooling"),
    "primary": _l("Primary school"),
    "junior": _l("Junior secondary"),
    "senior": _l("Senior secondary"),
    "vocational": _l("Vocational school"),
    "college": _l("College"),
    "university": _l("University"),
}
EMPLOYMENT_LABELS = {
    "unemployed": _l("Unemployed"),
    "employed": _l("Employed"),
    "self_employed": _l("Self-employed"),
    "student": _l("Student"),
    "retired": _l("Retired"),
    "unable": _l("Unable to work"),
}
ROLE_LABELS = {
    Role.ADMIN.value: _l("Administrator"),
    Role.OFFICER.value: _l("Judicial officer"),
    Role.SOCIAL_WORKER.value: _l("Social worker"),
    Role.FINANCE.value: _l("Finance"),
    Role.COORDINATOR.value: _l("Volunteer coordinator"),
    Role.AUDITOR.value: _l("Auditor"),
    Role.TRAINING_PARTNER.value: _l("Training partner"),
    Role.BASE_CONTACT.value: _l("Base contact"),
}


def _not_future(_form: FlaskForm, field: DateField) -> None:
    if field.data and field.data > local_today():
        raise ValidationError(_l("The date cannot be in the future."))


def _valid_id(_form: FlaskForm, field: StringField) -> None:
    # A masked number is the edit form's "unchanged"; the service decides.
    if (
        field.data
        and "*" not in field.data
        and not is_valid_id_number(normalise_id_number(field.data))
    ):
        raise ValidationError(_l("This is not a valid ID-card number."))


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(REQUIRED), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED), Length(max=256)])
    submit = SubmitField(_l("Log in"))


class PersonForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=60)])
    id_number = StringField(
        _l("ID-card number"), validators=[DataRequired(REQUIRED), Length(max=20), _valid_id]
    )
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=20)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    office_id = SelectField(_l("Judicial office"), coerce=int, validators=[InputRequired(REQUIRED)])
    kind = SelectField(
        _l("Kind"), choices=_options(KIND_CHOICES), validators=[DataRequired(REQUIRED)]
    )
    correction_type = SelectField(
        _l("Correction type"), choices=_options(CORRECTION_CHOICES), validators=[Optional()]
    )
    term_start = DateField(_l("Term start"), validators=[Optional()])
    term_end = DateField(_l("Term end"), validators=[Optional()])
    release_date = DateField(_l("Release date"), validators=[Optional(), _not_future])
    # No sex is preselected, and both may be left blank: the service reads them from a
    # valid ID number (idcard.js fills them in the page as the number is typed).
    sex = SelectField(
        _l("Sex"), choices=_options([("", "—"), *SEX_CHOICES]), validators=[Optional()]
    )
    birth_date = DateField(_l("Birth date"), validators=[Optional(), _not_future])
    education = SelectField(
        _l("Education"),
        choices=_options([("", "—"), *EDUCATION_LABELS.items()]),
        validators=[Optional()],
    )
    employment_status = SelectField(
        _l("Employment"),
        choices=_options([("", "—"), *EMPLOYMENT_LABELS.items()]),
        validators=[Optional()],
    )
    skills = StringField(_l("Skills (comma separated)"), validators=[Optional(), Length(max=300)])
    languages = StringField(
        _l("Languages (comma separated)"), validators=[Optional(), Length(max=200)]
    )
    consent_publication = BooleanField(_l("Consents to anonymous publication to donors"))
    consent_mentoring = BooleanField(_l("Consents to volunteer mentoring"))
    submit = SubmitField(_l("Save"))


class RevealForm(FlaskForm):
    field = HiddenField(validators=[DataRequired()])


class TransferForm(FlaskForm):
    to_office_id = SelectField(
        _l("Receiving office"), coerce=int, validators=[InputRequired(REQUIRED)]
    )
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(REQUIRED), Length(max=500)])
    submit = SubmitField(_l("Request transfer"))


class DecisionForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=500)])
    accept = SubmitField(_l("Accept"))
    reject = SubmitField(_l("Reject"))


class EndCaseForm(FlaskForm):
    ended_on = DateField(_l("Case ended on"), validators=[InputRequired(REQUIRED), _not_future])
    submit = SubmitField(_l("End case"))


class NeedForm(FlaskForm):
    category = SelectField(
        _l("Category"),
        choices=_options(CATEGORY_LABELS.items()),
        validators=[DataRequired(REQUIRED)],
    )
    title = StringField(
        _l("Title (staff only)"), validators=[DataRequired(REQUIRED), Length(max=120)]
    )
    amount = YuanField(_l("Amount (yuan)"), validators=[DataRequired(REQUIRED)])
    deadline = DateField(_l("Deadline"), validators=[InputRequired(REQUIRED)])
    urgency = IntegerField(
        _l("Urgency (1-5)"), validators=[InputRequired(REQUIRED), NumberRange(1, 5)]
    )
    hardship = IntegerField(
        _l("Hardship (1-5)"), validators=[InputRequired(REQUIRED), NumberRange(1, 5)]
    )
    story = TextAreaField(
        _l("Public story (no name, ID or phone)"), validators=[Optional(), Length(max=2000)]
    )
    submit = SubmitField(_l("Save"))


class ReviewForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=500)])
    approve = SubmitField(_l("Approve"))
    send_back = SubmitField(_l("Return to author"))


class UserForm(FlaskForm):
    username = StringField(
        _l("Username"), validators=[DataRequired(REQUIRED), Length(min=3, max=64)]
    )
    display_name = StringField(
        _l("Display name"), validators=[DataRequired(REQUIRED), Length(max=120)]
    )
    # No role is preselected: a preselected first choice was the administrator's, given
    # to anyone whose creator did not look twice.
    role = SelectField(
        _l("Role"),
        choices=_options([("", "—"), *ROLE_LABELS.items()]),
        validators=[DataRequired(_l("Choose a role."))],
    )
    scope_unit_id = SelectField(_l("Scope"), coerce=int, validators=[Optional()])
    juvenile_permission = BooleanField(_l("May see minors' records"))
    active = BooleanField(_l("Active"), default=True)
    password = PasswordField(
        _l("Initial password"), validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH, max=256)]
    )
    submit = SubmitField(_l("Save"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(REQUIRED), Length(min=MIN_PASSWORD_LENGTH, max=256)],
    )
    submit = SubmitField(_l("Reset password"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(REQUIRED)])
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(REQUIRED), Length(min=MIN_PASSWORD_LENGTH, max=256)],
    )
    submit = SubmitField(_l("Change password"))
