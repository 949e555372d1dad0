"""Donor messages the content check holds for review: staff show or hide each one, the donor
sees the outcome, and every decision is audited."""

from __future__ import annotations

from flask import Flask

from core.audit_actions import AuditAction
from core.users import Role
from tests.api.support import MpApi
from tests.donations.factories import make_project
from tests.factories import audit_events, make_user
from tests.pages import login

HELD = "请待审后展示"  # the WeChat sandbox holds text with 待审 for review


def test_a_coordinator_shows_one_held_message_and_hides_another(api: MpApi, app: Flask) -> None:
    project = make_project()
    token = api.login()
    held = [
        api.donate(token, {"project_id": project, "amount_fen": 1_000, "message": HELD}).expect(
            201
        )["donation"]["id"]
        for _ in range(2)
    ]
    coordinator = make_user(Role.COORDINATOR)
    coordinator_id, username = coordinator.id, coordinator.username
    desk = app.test_client()
    login(desk, username)
    queue = desk.get("/moderation/messages").get_data(as_text=True)
    assert all(donation_id in queue for donation_id in held)

    for donation_id, decision in zip(held, ("show", "hide"), strict=True):
        answer = desk.post(
            "/moderation/messages", data={"donation_id": donation_id, "decision": decision}
        )
        assert answer.status_code == 302

    mine = {
        d["id"]: d["message_status"] for d in api.get("/me/donations", token=token).json["data"]
    }
    assert [mine[donation_id] for donation_id in held] == ["visible", "hidden"]
    [shown] = audit_events(AuditAction.DONATION_MESSAGE_SHOW, held[0])
    [hidden] = audit_events(AuditAction.DONATION_MESSAGE_HIDE, held[1])
    assert {shown.actor_id, hidden.actor_id} == {coordinator_id}
    assert desk.get("/moderation/messages").get_data(as_text=True).count(HELD) == 0
