"""Gifts accepted while a need had room and paid later: the overshoot goes to the pool
(docs/money.md), the donation says so, and the need never shows more than it asked."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.api.conftest import UNIT_WEBHOOK_SECRET
from tests.api.support import MpApi, pay
from tests.donations.factories import list_need, make_project
from tests.factories import Office


def my_donation(api: MpApi, token: str, donation_id: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [
        d
        for d in api.get("/me/donations", token=token).expect(200)["data"]
        if d["id"] == donation_id
    ]
    assert len(found) == 1
    return found[0]


def need_card(api: MpApi, project_id: str, need_id: str) -> dict[str, Any]:
    cards = [
        c for c in api.get(f"/projects/{project_id}").expect(200)["needs"] if c["id"] == need_id
    ]
    assert len(cards) == 1
    card: dict[str, Any] = cards[0]
    assert card == api.get(f"/needs/{need_id}").expect(200)
    return card


@pytest.mark.parametrize("paid_first", ["first", "second"])
def test_the_later_paid_gifts_overshoot_goes_to_the_pool(
    api: MpApi, office: Office, client: FlaskClient, paid_first: str
) -> None:
    project = make_project()
    need = list_need(office, project, 10_000)
    donors = {"first": api.login(), "second": api.login()}
    created = {
        name: api.donate(token, {"project_id": project, "need_id": need, "amount_fen": 6_000})
        for name, token in donors.items()
    }
    # Both were accepted: pending gifts reserve nothing.
    gifts = {name: reply.expect(201) for name, reply in created.items()}
    paid_later = "second" if paid_first == "first" else "first"

    pay(client, gifts[paid_first], UNIT_WEBHOOK_SECRET)
    card = need_card(api, project, need)
    assert (card["raised_fen"], card["status"]) == (6_000, "published")

    pay(client, gifts[paid_later], UNIT_WEBHOOK_SECRET)
    card = need_card(api, project, need)
    assert card["raised_fen"] == card["amount_fen"] == 10_000
    assert card["status"] == "funded"

    earlier = my_donation(api, donors[paid_first], gifts[paid_first]["donation"]["id"])
    later = my_donation(api, donors[paid_later], gifts[paid_later]["donation"]["id"])
    assert earlier["status"] == later["status"] == "succeeded"
    assert earlier["redirected_to_pool"] is False
    assert later["redirected_to_pool"] is True
    assert (
        api.get(f"/donations/{later['id']}", token=donors[paid_later]).expect(200)[
            "redirected_to_pool"
        ]
        is True
    )
    assert [(w["amount_fen"], w["status"]) for w in earlier["went_to"]] == [(6_000, "funded")]
    to_need = [w for w in later["went_to"] if w["need_alias"] is not None]
    to_pool = [w for w in later["went_to"] if w["need_alias"] is None]
    assert [w["amount_fen"] for w in to_need] == [4_000]
    assert [(w["amount_fen"], w["status"]) for w in to_pool] == [(2_000, "in_pool")]

    project_now = api.get(f"/projects/{project}").expect(200)
    assert (project_now["raised_fen"], project_now["donor_count"]) == (12_000, 2)


def test_a_gift_paid_after_its_need_filled_goes_wholly_to_the_pool(
    api: MpApi, office: Office, client: FlaskClient
) -> None:
    project = make_project()
    need = list_need(office, project, 10_000)
    filler, late = api.login(), api.login()
    full = api.donate(filler, {"project_id": project, "need_id": need, "amount_fen": 10_000})
    small = api.donate(late, {"project_id": project, "need_id": need, "amount_fen": 3_000})
    full_gift, small_gift = full.expect(201), small.expect(201)
    pay(client, full_gift, UNIT_WEBHOOK_SECRET)
    pay(client, small_gift, UNIT_WEBHOOK_SECRET)
    late_view = my_donation(api, late, small_gift["donation"]["id"])
    assert late_view["redirected_to_pool"] is True
    assert [(w["amount_fen"], w["status"]) for w in late_view["went_to"]] == [(3_000, "in_pool")]
    card = need_card(api, project, need)
    assert (card["raised_fen"], card["amount_fen"], card["status"]) == (10_000, 10_000, "funded")
