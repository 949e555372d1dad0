"""Forms of the vetting pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from core.forms import REQUIRED
from volunteers.vetting.services import Outcome, Step

STEP_CHOICES = [
    SelectChoice(Step.DOCUMENTS.value, _l("Documents seen")),
    SelectChoice(Step.INTERVIEW.value, _l("Interview")),
    SelectChoice(Step.PLEDGE.value, _l("Confidentiality pledge signed")),
    SelectChoice(Step.TRAINING.value, _l("Training done")),
    SelectChoice(Step.JUVENILE_CLEARANCE.value, _l("Juvenile clearance granted")),
]
OUTCOME_CHOICES = [
    SelectChoice(Outcome.APPROVE.value, _l("Approve")),
    SelectChoice(Outcome.REJECT.value, _l("Reject")),
    SelectChoice(Outcome.SUSPEND.value, _l("Suspend")),
]


class StepForm(FlaskForm):
    step = SelectField(_l("What was done"), choices=STEP_CHOICES)
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=1000)])
    pledge_version = StringField(_l("Pledge version"), validators=[Optional(), Length(max=16)])
    submit = SubmitField(_l("Record"))


class DecisionForm(FlaskForm):
    outcome = SelectField(_l("Decision"), choices=OUTCOME_CHOICES)
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(REQUIRED), Length(max=1000)])
    submit = SubmitField(_l("Decide"))
