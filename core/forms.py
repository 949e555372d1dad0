"""Forms every wing's pages share: a bare action, an action with a reason.

Labels are msgids; Flask-Babel translates them.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

REQUIRED = _l("This field is required.")


class ActionForm(FlaskForm):
    """A bare form: a button and its CSRF token."""

    submit = SubmitField(_l("Confirm"))


class ReasonForm(FlaskForm):
    """An action that must say why (cancel, reject, refuse)."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(REQUIRED), Length(max=500)])
    submit = SubmitField(_l("Confirm"))


class RejectForm(ReasonForm):
    submit = SubmitField(_l("Reject"))
