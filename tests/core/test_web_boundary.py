"""The staff pages' one error boundary (core.web): what a refused use case leaves behind.

Messages are shown translated (zh_CN is the default locale); the made-up ones here have
no translation and read as written.
"""

from __future__ import annotations

import pytest
from flask import get_flashed_messages
from flask_babel import gettext
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import StringField

from core.db import db
from core.errors import Conflict, NotFound, PublicationRefused, ValidationFailed
from core.orgs import OrgUnit
from core.web import errors_shown_on, redirects_on_domain_error

pytestmark = pytest.mark.usefixtures("ctx")


class UnitForm(FlaskForm):
    name = StringField()


def _add_unit(code: str) -> None:
    db.session.add(OrgUnit(kind="office", name="测试司法所", code=code))
    db.session.flush()


def _unit(code: str) -> OrgUnit | None:
    return db.session.scalar(select(OrgUnit).where(OrgUnit.code == code))


def _refuse_after_adding(code: str, error: Exception) -> None:
    _add_unit(code)
    raise error


def test_an_error_naming_a_field_goes_on_it_and_nothing_flushed_stays():
    form = UnitForm()
    reached_success = False

    with errors_shown_on(form):
        _refuse_after_adding("boundary-field", ValidationFailed("Name taken.", field="name"))
        reached_success = True

    assert not reached_success
    assert form.name.errors == ["Name taken."]
    assert get_flashed_messages() == []
    assert _unit("boundary-field") is None


def test_an_error_naming_no_field_of_the_form_is_flashed():
    form = UnitForm()

    with errors_shown_on(form):
        _add_unit("boundary-flash")
        raise ValidationFailed("Limits do not fit together.", field="daily_max_fen")

    assert not form.name.errors
    assert get_flashed_messages(with_categories=True) == [("error", "Limits do not fit together.")]
    assert _unit("boundary-flash") is None


def test_a_refused_publication_flashes_every_reason():
    reasons = ["The story contains a phone number.", "The story contains the person's name."]

    with errors_shown_on(None):
        raise PublicationRefused(reasons)

    assert get_flashed_messages() == [gettext(reason) for reason in reasons]
    assert len(set(get_flashed_messages())) == 2


def test_not_found_passes_through_the_boundary():
    with pytest.raises(NotFound), errors_shown_on(UnitForm()):
        raise NotFound("No such need.")


def test_no_error_leaves_the_work_done():
    with errors_shown_on(UnitForm()):
        _add_unit("boundary-ok")

    assert _unit("boundary-ok") is not None


def _refusing_action(need_id: int) -> str:
    _add_unit("boundary-action")
    raise Conflict("Someone else decided first.")


def test_an_action_redirects_to_its_page_with_the_flash_and_saves_nothing():
    action = redirects_on_domain_error("needs.detail")(_refusing_action)

    response = action(need_id=7)

    assert isinstance(response, Response)
    assert response.status_code == 302
    assert response.location == "/needs/7"
    assert get_flashed_messages() == ["Someone else decided first."]
    assert _unit("boundary-action") is None


def test_an_action_passes_only_the_arguments_its_page_takes():
    def decide(transfer_id: int) -> str:
        raise Conflict("This transfer has already been decided.")

    response = redirects_on_domain_error("persons.index")(decide)(transfer_id=3)

    assert isinstance(response, Response)
    assert response.location == "/persons"


def test_an_action_out_of_scope_answers_404():
    def publish(need_id: int) -> str:
        raise NotFound("No such need.")

    with pytest.raises(NotFound):
        redirects_on_domain_error("needs.detail")(publish)(need_id=7)
