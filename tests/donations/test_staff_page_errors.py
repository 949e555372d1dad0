"""The donation staff pages through the error boundary: a refused use case shows its reason
(on the field it names, or as a flash), saves nothing, and out of scope stays 404."""

from __future__ import annotations

import re
import socket

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import ColumnElement, func, select

from core.audit import AuditEvent
from core.db import db
from core.timeutil import local_today
from core.users import Role
from donations.giving.models import ReconcileRun, Refund
from donations.payments import sandbox
from donations.payments.config import make_gateway
from donations.projects.models import Project
from tests.donations.factories import (
    give,
)
from tests.donations.factories import (
    make_project as make_money_project,
)
from tests.factories import (
    make_staff,
)
from tests.pages import login, login_in_english

pytestmark = pytest.mark.usefixtures("ctx")


def _browser(app: Flask, role: Role) -> FlaskClient:
    browser = app.test_client()
    login_in_english(browser, make_staff(role).username)
    return browser


def _count(model: type, *where: ColumnElement[bool]) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _project_form(**changes: str) -> dict[str, str]:
    today = local_today()
    data = {
        "title": "春节困难帮扶",
        "summary": "为困难社区矫正对象家庭送去节日慰问。",
        "charity_name": "开平市慈善会",
        "fundraising_reg_no": "53440783MJL0000009",
        "town": "三埠街道",
        "lat": "22.37",
        "lng": "112.68",
        "goal": "50000",
        "starts_on": today.isoformat(),
        "ends_on": today.replace(year=today.year + 1).isoformat(),
        "min_yuan": "1",
        "max_yuan": "500",
        "daily_max_yuan": "1000",
        "daily_max_count": "5",
    }
    data.update(changes)
    return data


def test_a_rule_naming_a_form_field_shows_on_that_field(app):
    browser = _browser(app, Role.FINANCE)
    today = local_today()

    response = browser.post(
        "/projects/new", data=_project_form(ends_on=today.replace(year=today.year - 1).isoformat())
    )

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<span class="error">The project cannot end before it starts.</span>' in page
    assert _count(Project, Project.title == "春节困难帮扶") == 0


def test_a_rule_naming_no_form_field_is_flashed_and_saves_nothing(app):
    browser = _browser(app, Role.FINANCE)

    response = browser.post("/projects/new", data=_project_form(min_yuan="600"))

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert (
        '<p class="flash error" role="alert">The minimum must be positive and at most the '
        "maximum.</p>" in page
    )
    assert 'value="600"' in page  # the form comes back as it was typed
    assert _count(Project, Project.title == "春节困难帮扶") == 0


def test_an_amount_that_is_not_yuan_is_refused_on_its_field(app):
    browser = _browser(app, Role.FINANCE)

    response = browser.post("/projects/new", data=_project_form(goal="12.345"))

    assert response.status_code == 200
    assert "Enter an amount in yuan, e.g. 1200 or 1200.50." in response.get_data(as_text=True)
    assert _count(Project, Project.title == "春节困难帮扶") == 0


def test_a_refused_refund_is_flashed_on_the_donation_page(app):
    donation_id = give(make_money_project(make_staff(Role.ADMIN)), 10_000)
    browser = _browser(app, Role.FINANCE)

    response = browser.post(
        f"/donations/{donation_id}",
        data={"amount": "100.01", "reason": "捐赠人申请退款", "confirm": "y"},
    )

    assert response.status_code == 200
    assert str(escape("At most 10000 fen can still be refunded.")) in response.get_data(
        as_text=True
    )
    assert _count(Refund, Refund.donation_id == donation_id) == 0


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_reconciliation_with_the_provider_down_redirects_with_the_reason(
    app: Flask, monkeypatch: pytest.MonkeyPatch
):
    down = make_gateway({**app.config, "PAYMENT_API_BASE": f"http://127.0.0.1:{_closed_port()}"})
    monkeypatch.setitem(app.extensions, "payment_gateway", down)
    monkeypatch.setattr(sandbox, "RETRY_DELAYS_S", ())
    browser = _browser(app, Role.FINANCE)
    runs = _count(ReconcileRun)

    response = browser.post("/finance/reconciliation")

    assert (response.status_code, response.location) == (302, "/finance/reconciliation")
    page = browser.get(response.location).get_data(as_text=True)
    assert "The payment provider is not answering; try again." in page
    assert _count(ReconcileRun) == runs
    assert _count(AuditEvent, AuditEvent.action == "finance.reconcile") == 0


def test_actions_on_what_does_not_exist_answer_404(app):
    editor = _browser(app, Role.FINANCE)

    assert editor.post("/projects/no-such-project/status/active").status_code == 404
    assert editor.get("/projects/no-such-project").status_code == 404
    assert editor.post("/projects/no-such-project", data={"need_id": "1"}).status_code == 404
    assert editor.get("/donations/no-such-donation").status_code == 404
    assert editor.post("/moderation/messages", data={"donation_id": "nope"}).status_code == 404
    assert (
        editor.post(
            "/finance/receipts", data={"receipt_id": "nope", "receipt_no": "A1"}
        ).status_code
        == 404
    )
    assert editor.get("/disbursements/999999/evidence").status_code == 404


def test_a_refund_without_the_confirmation_box_is_refused_in_chinese_and_sends_nothing(app):
    donation_id = give(make_money_project(make_staff(Role.ADMIN)), 10_000)
    browser = app.test_client()  # the portal's default language: Chinese
    login(browser, make_staff(Role.FINANCE).username)

    response = browser.post(
        f"/donations/{donation_id}", data={"amount": "10.00", "reason": "捐赠人申请退款"}
    )

    assert response.status_code == 200
    assert "请勾选确认：此操作无法撤销。" in response.get_data(as_text=True)
    assert _count(Refund, Refund.donation_id == donation_id) == 0


def test_a_project_takes_its_place_from_the_chosen_town(app):
    browser = _browser(app, Role.FINANCE)
    form = browser.get("/projects/new").get_data(as_text=True)
    assert '<option value="赤坎镇">赤坎镇</option>' in form  # chosen, not typed

    response = browser.post(
        "/projects/new", data=_project_form(town="赤坎镇", lat="", lng="", title="赤坎助学")
    )

    assert response.status_code == 302
    project = db.session.scalars(select(Project).where(Project.title == "赤坎助学")).one()
    assert (project.lat, project.lng) == (22.3139, 112.5855)
    # Edited again, the town is chosen and nothing refined is shown.
    page = browser.get(f"/projects/{project.id}/edit").get_data(as_text=True)
    assert '<option selected value="赤坎镇">' in page
    [lat] = re.findall(r'<input[^>]*name="lat"[^>]*>', page)
    assert 'value=""' in lat


def test_a_refined_point_is_kept_near_its_town_and_refused_far_from_it(app):
    browser = _browser(app, Role.FINANCE)

    near = browser.post(
        "/projects/new",
        data=_project_form(town="赤坎镇", lat="22.3200", lng="112.5900", title="赤坎近点"),
    )
    far = browser.post(
        "/projects/new",
        data=_project_form(town="赤坎镇", lat="22.5846", lng="112.4516", title="赤坎远点"),
    )
    half = browser.post(
        "/projects/new", data=_project_form(town="赤坎镇", lat="22.32", lng="", title="半个点")
    )

    assert near.status_code == 302
    project = db.session.scalars(select(Project).where(Project.title == "赤坎近点")).one()
    assert (project.lat, project.lng) == (22.32, 112.59)
    assert "The refined point is more than 20 km from the town&#39;s centre." in far.get_data(
        as_text=True
    )
    assert "Give both latitude and longitude, or neither." in half.get_data(as_text=True)
    assert _count(Project, Project.title.in_(["赤坎远点", "半个点"])) == 0


def test_a_project_without_a_town_is_refused_in_chinese(app):
    browser = app.test_client()
    login(browser, make_staff(Role.FINANCE).username)

    response = browser.post("/projects/new", data=_project_form(town="", title="无镇项目"))

    assert "请选择镇（街道）。" in response.get_data(as_text=True)
    assert _count(Project, Project.title == "无镇项目") == 0
