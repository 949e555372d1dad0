"""Forms every wing's pages share: a bare action, an action with a reason, an amount in yuan.

Labels are msgids; Flask-Babel translates them.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from core.money import MoneyError, parse_yuan

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


UNCONFIRMED = _l("Tick the box to confirm: this cannot be undone.")


def confirm_field() -> BooleanField:
    """The box an irreversible action needs ticked; checked again on the server, so a
    request without it does nothing."""
    return BooleanField(
        _l("I have checked: this cannot be undone."), validators=[DataRequired(UNCONFIRMED)]
    )


class ConfirmedActionForm(ActionForm):
    """A bare irreversible action (approve a payout): a button and a ticked box."""

    confirm = confirm_field()


class ConfirmedReasonForm(ReasonForm):
    """An irreversible action that says why (cancel a need)."""

    confirm = confirm_field()


def first_error(form: FlaskForm) -> str | None:
    """The first error of a posted action form, for a flash (the page shows no fields)."""
    for errors in form.errors.values():
        for error in errors:
            return str(error)
    return None


class YuanField(StringField):
    """A yuan amount typed by staff, parsed to integer fen in `data_fen`."""

    data_fen: int | None = None

    def pre_validate(self, form: FlaskForm) -> None:
        self.data_fen = None
        if not self.data:
            return
        try:
            self.data_fen = parse_yuan(self.data)
        except MoneyError as exc:
            raise ValidationError(_l("Enter an amount in yuan, e.g. 1200 or 1200.50.")) from exc
        if self.data_fen <= 0:
            raise ValidationError(_l("The amount must be greater than zero."))
