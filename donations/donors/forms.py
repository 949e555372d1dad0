"""Forms of the donor pages: official receipts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Length

from core.forms import REQUIRED


class IssueForm(FlaskForm):
    receipt_no = StringField(
        _l("Receipt number"), validators=[DataRequired(REQUIRED), Length(max=64)]
    )
    submit = SubmitField(_l("Mark issued"))
