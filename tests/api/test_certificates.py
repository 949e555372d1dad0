"""Certificates: issued once paid, numbered without collisions, naming the donor only if
they want to be named."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

from core.db import db
from donations.projects.models import Project
from tests.api.conftest import UNIT_WEBHOOK_SECRET
from tests.api.support import MpApi, pay
from tests.donations.factories import make_project


def paid_certificate(
    api: MpApi, client: FlaskClient, token: str, project: str, amount_fen: int, **extra: Any
) -> dict[str, Any]:
    created = api.donate(token, {"project_id": project, "amount_fen": amount_fen, **extra})
    pay(client, created.expect(201), UNIT_WEBHOOK_SECRET)
    donation_id = created.json["donation"]["id"]
    donation = api.get(f"/donations/{donation_id}", token=token).expect(200)
    certificate: dict[str, Any] = api.get(
        f"/me/donations/{donation_id}/certificate", token=token
    ).expect(200)
    assert donation["certificate_number"] == certificate["number"]
    return certificate


def test_each_project_numbers_its_own_certificates_without_collisions(
    api: MpApi, client: FlaskClient
) -> None:
    """Numbers are PREFIX-YEAR-SEQUENCE with a prefix unique to the project: two projects
    each count from 1 and never issue the same number (a collision would lose the payment)."""
    first, second = make_project(), make_project()
    prefixes = {p: db.session.get_one(Project, p).certificate_prefix for p in (first, second)}
    assert prefixes[first] != prefixes[second]
    token = api.login()
    numbers = [
        (project, paid_certificate(api, client, token, project, 1_000)["number"])
        for project in (first, second, first, second)
    ]
    assert len({n for _p, n in numbers}) == 4
    for project, number in numbers:
        assert re.fullmatch(rf"{prefixes[project]}-\d{{4}}-\d{{6}}", number)
    assert [int(n.rsplit("-", 1)[1]) for _p, n in numbers] == [1, 1, 2, 2]


def test_the_certificate_names_the_donor_only_when_not_anonymous(
    api: MpApi, client: FlaskClient
) -> None:
    project = make_project()
    token = api.login()
    api.patch("/me", {"display_name": "开平街坊"}, token=token).expect(200)
    named = paid_certificate(api, client, token, project, 12_345)
    assert named["donor_display_name"] == "开平街坊"
    assert named["amount_in_words"] == "壹佰贰拾叁元肆角伍分"
    hidden = paid_certificate(api, client, token, project, 100, anonymous=True)
    assert hidden["donor_display_name"] == "爱心人士"
    assert hidden["amount_in_words"] == "壹元整"
