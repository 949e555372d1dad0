"""Password reset: the link goes to the outbox, is single-use, expires, is hashed at rest
and is blanked from the outbox once delivered; resetting ends every session."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from core.db import db, utcnow
from core.outbox import MessageStatus, OutboxMessage
from tests.factories import audit_events
from tests.pages import html
from tests.portal import test_web_harness as harness
from tests.volunteers.factories import make_volunteer, volunteer_login
from volunteers.accounts.messages import MemoryDelivery, send_volunteer_messages
from volunteers.accounts.models import PasswordReset

web = harness.web

NEW_PASSWORD = "a-brand-new-secret-9"
LINK = re.compile(r"/v/reset/([A-Za-z0-9_\-]+)")


def _ask(web, login: str) -> None:
    response = web.post("/v/reset", data={"login": login})
    assert response.status_code == 302
    assert response.location == "/v/login"


def _link(delivery: MemoryDelivery) -> str:
    send_volunteer_messages()
    text = delivery.sent[-1][2]
    match = LINK.search(text.body)
    assert match, text.body
    return match.group(1)


def test_a_reset_link_sets_a_new_password_once(web, ctx, delivery):
    volunteer_id = make_volunteer(username="forgetful", email="forgetful@example.org").id
    volunteer_login(web, "forgetful")
    _ask(web, "forgetful@example.org")

    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "password_reset")
    ).one()
    assert message.channel == "volunteer_email" and message.recipient == str(volunteer_id)
    token = _link(delivery)
    assert delivery.sent[-1][1] == "forgetful@example.org"
    # At rest: the token only as a hash, and no longer even sealed in the outbox.
    assert token not in str(db.session.scalar(select(PasswordReset.token_hash)))
    sent = db.session.get_one(OutboxMessage, message.id)
    db.session.refresh(sent)
    assert sent.status == MessageStatus.SENT and "sealed_token" not in sent.data

    assert web.get(f"/v/reset/{token}").status_code == 200
    response = web.post(f"/v/reset/{token}", data={"password": NEW_PASSWORD})
    assert response.status_code == 302
    # Every session ended, the new password works, the old one does not.
    assert web.get("/v/").status_code == 302
    volunteer_login(web, "forgetful", NEW_PASSWORD)
    assert (
        web.post(
            "/v/login", data={"login": "forgetful", "password": "kind-river-stones-42"}
        ).status_code
        == 200
    )
    # Used once: the link is dead.
    again = web.post(
        f"/v/reset/{token}", data={"password": "yet-another-secret-7"}, follow_redirects=True
    )
    assert "该链接无效、已使用或已过期" in html(again)
    assert audit_events("volunteer.reset_password", volunteer_id)


def test_a_text_message_goes_to_the_mobile_typed(web, ctx, delivery):
    make_volunteer(username="by-phone", email="", phone="19500004444")
    _ask(web, "195 0000 4444")
    _link(delivery)
    assert delivery.sent[-1][:2] == ("volunteer_sms", "19500004444")


def test_an_expired_link_is_refused(web, ctx, delivery):
    make_volunteer(username="slowpoke")
    _ask(web, "slowpoke")
    token = _link(delivery)
    reset = db.session.scalars(select(PasswordReset)).one()
    reset.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = web.get(f"/v/reset/{token}", follow_redirects=True)
    assert "该链接无效、已使用或已过期" in html(response)


def test_a_new_link_voids_the_earlier_one(web, ctx, delivery):
    make_volunteer(username="twice")
    _ask(web, "twice")
    first = _link(delivery)
    _ask(web, "twice")
    second = _link(delivery)
    assert first != second
    assert "该链接无效" in html(web.get(f"/v/reset/{first}", follow_redirects=True))
    assert web.get(f"/v/reset/{second}").status_code == 200


def test_a_weak_new_password_is_refused_and_the_link_stays_usable(web, ctx, delivery):
    make_volunteer(username="weakling")
    _ask(web, "weakling")
    token = _link(delivery)
    refused = web.post(f"/v/reset/{token}", data={"password": "short"})
    assert refused.status_code == 200 and "密码至少需要 10 个字符" in html(refused)
    assert web.post(f"/v/reset/{token}", data={"password": NEW_PASSWORD}).status_code == 302


def test_an_unknown_login_gets_the_same_answer_and_nothing_is_sent(web, ctx, delivery):
    response = web.post("/v/reset", data={"login": "nobody-here"}, follow_redirects=True)
    assert "如果该账号存在" in html(response)
    assert db.session.scalar(select(OutboxMessage)) is None
    assert audit_events("volunteer.reset_request")[-1].detail == {"found": False}


def test_a_made_up_link_is_refused(web, ctx):
    response = web.get("/v/reset/" + "x" * 43, follow_redirects=True)
    assert "该链接无效" in html(response)
