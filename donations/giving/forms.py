"""Forms of the donation pages: refunds, reconciliation, settling a discrepancy."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length

from core.forms import YuanField, confirm_field


class RefundForm(FlaskForm):
    amount = YuanField(
        _l("Amount (yuan)"), validators=[DataRequired(_l("This field is required."))]
    )
    reason = TextAreaField(
        _l("Reason"), validators=[DataRequired(_l("This field is required.")), Length(max=500)]
    )
    # A refund sent to the provider cannot be called back.
    confirm = confirm_field()
    submit = SubmitField(_l("Refund"))


class RunForm(FlaskForm):
    submit = SubmitField(_l("Reconcile now"))


class SettleForm(FlaskForm):
    note = TextAreaField(
        _l("How it was settled"),
        validators=[DataRequired(_l("This field is required.")), Length(max=1000)],
    )
    submit = SubmitField(_l("Record as settled"))
