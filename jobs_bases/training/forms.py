"""Forms of the training pages. Labels are msgids; Flask-Babel translates them."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from core.forms import REQUIRED
from core.towns import TOWN_NAMES

KIND_LABELS = {
    "correction": _l("Under community correction"),
    "resettlement": _l("In post-release resettlement"),
}
DATE_MESSAGE = _l("Enter a date like 2026-06-30.")
TIME_MESSAGE = _l("Enter a time like 09:00.")


def options(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """Choices as wtforms wants them (raw tuples are deprecated)."""
    return [SelectChoice(value, label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RoundForm(FlaskForm):
    name = StringField(_l("Round"), validators=[DataRequired(REQUIRED), Length(max=80)])
    submit = SubmitField(_l("Save"))


class CourseForm(FlaskForm):
    round_id = SelectField(_l("Round"), coerce=int)
    partner_id = SelectField(_l("Training partner"), coerce=int)
    title = StringField(_l("Course title"), validators=[DataRequired(REQUIRED), Length(max=120)])
    trade = StringField(_l("Trade"), validators=[DataRequired(REQUIRED), Length(max=60)])
    seats = IntegerField(_l("Seats"), validators=[InputRequired(REQUIRED), NumberRange(0, 500)])
    starts_on = DateField(_l("First day"), validators=[InputRequired(DATE_MESSAGE)])
    ends_on = DateField(_l("Last day"), validators=[InputRequired(DATE_MESSAGE)])
    apply_by = DateField(_l("Applications until"), validators=[InputRequired(DATE_MESSAGE)])
    location = StringField(_l("Location"), validators=[DataRequired(REQUIRED), Length(max=200)])
    town = SelectField(_l("Town"), choices=options((town, town) for town in TOWN_NAMES))
    eligible_kinds = MultiCheckboxField(
        _l("Who may apply"), choices=options(KIND_LABELS.items()), default=list(KIND_LABELS)
    )
    min_age = IntegerField(_l("Lowest age"), validators=[Optional()], default=18)
    max_age = IntegerField(_l("Highest age"), validators=[Optional()], default=60)
    exclude_if_completed = BooleanField(
        _l("An earlier completion of the same trade excludes"), default=True
    )
    certificate_type = StringField(
        _l("Certificate type"),
        validators=[DataRequired(REQUIRED), Length(max=80)],
        default="培训合格证书",
    )
    min_attendance_pct = IntegerField(
        _l("Attendance needed to complete, in percent"),
        validators=[InputRequired(REQUIRED), NumberRange(0, 100)],
        default=80,
    )
    exam_required = BooleanField(_l("An exam must be passed"), default=True)
    submit = SubmitField(_l("Save"))


class SessionForm(FlaskForm):
    on_date = DateField(_l("Date"), validators=[InputRequired(DATE_MESSAGE)])
    start_time = TimeField(_l("Start"), validators=[InputRequired(TIME_MESSAGE)])
    end_time = TimeField(_l("End"), validators=[InputRequired(TIME_MESSAGE)])
    topic = StringField(_l("Topic"), validators=[Optional(), Length(max=120)])
    submit = SubmitField(_l("Add session"))


class ApplicationForm(FlaskForm):
    person_id = SelectField(_l("Person"), coerce=int)
    round_id = SelectField(_l("Round"), coerce=int)
    choice_1 = SelectField(_l("1st choice"), coerce=int, default=0)
    choice_2 = SelectField(_l("2nd choice"), coerce=int, default=0)
    choice_3 = SelectField(_l("3rd choice"), coerce=int, default=0)
    choice_4 = SelectField(_l("4th choice"), coerce=int, default=0)
    choice_5 = SelectField(_l("5th choice"), coerce=int, default=0)
    note = TextAreaField(
        _l("Office note (never shown to the partner)"), validators=[Optional(), Length(max=1000)]
    )
    submit = SubmitField(_l("Enter the application"))

    def choice_fields(self) -> list[SelectField]:
        return [self.choice_1, self.choice_2, self.choice_3, self.choice_4, self.choice_5]

    def ranked_course_ids(self) -> list[int]:
        return [field.data for field in self.choice_fields() if field.data]


class AcceptForm(FlaskForm):
    share_name = BooleanField(_l("The person agrees the partner sees their name"))
    share_phone = BooleanField(_l("The person agrees the partner sees their phone"))
    submit = SubmitField(_l("Record acceptance"))


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Withdraw"))


class ExamForm(FlaskForm):
    passed = RadioField(
        _l("Exam"),
        choices=options([("yes", _l("Passed")), ("no", _l("Not passed"))]),
        validators=[InputRequired(REQUIRED)],
    )
    submit = SubmitField(_l("Record"))


class OutcomeForm(FlaskForm):
    months = SelectField(
        _l("Follow-up"), choices=options([("3", _l("3 months")), ("6", _l("6 months"))])
    )
    employed = RadioField(
        _l("Working?"),
        choices=options([("yes", _l("Employed")), ("no", _l("Not employed"))]),
        validators=[InputRequired(REQUIRED)],
    )
    note = TextAreaField(_l("Note (where, what work)"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Record"))
