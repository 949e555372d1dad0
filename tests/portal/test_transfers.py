"""Moving a person between offices: the sender requests, the receiving office decides."""

from __future__ import annotations

import re

import pytest

from core.audit_actions import AuditAction
from core.db import db
from core.people.models import Person, PersonTransfer, TransferStatus
from core.users import Role
from tests.factories import audit_events, make_need, make_person, make_unit, make_user
from tests.pages import english, html, login
from tests.portal import test_web_harness as harness
from tests.portal.test_web_harness import new_client

web = harness.web


@pytest.fixture()
def offices(web, ctx, app) -> dict[str, object]:
    """Office A's officer (logged in on `web`) with a person; office B's officer on a client."""
    office_a, office_b = make_unit(town="赤坎镇"), make_unit(town="水口镇")
    officer_a = make_user(Role.OFFICER, office_a)
    officer_b = make_user(Role.OFFICER, office_b)
    person = make_person(officer_a, office_a, name="黄文华")
    ids = {
        "a": office_a.id,
        "b": office_b.id,
        "a_name": office_a.name,
        "b_name": office_b.name,
        "person": person.id,
        "need": make_need(officer_a, person).id,
        "b_officer": officer_b.id,
    }
    username_a, username_b = officer_a.username, officer_b.username
    client_b = new_client(app)
    for client, username in ((web, username_a), (client_b, username_b)):
        login(client, username)
        english(client)
    return {**ids, "client_b": client_b}


def _request(client, person_id: int, to_office_id: int):
    return client.post(
        f"/persons/{person_id}/transfer",
        data={"to_office_id": str(to_office_id), "reason": "本人迁居水口镇"},
    )


def _transfer_id(page: str) -> int:
    match = re.search(r'action="/transfers/(\d+)"', page)
    assert match, "no incoming transfer on the page"
    return int(match.group(1))


def _office_of(person_id: int) -> int:
    db.session.expire_all()
    return db.session.get_one(Person, person_id).office_id


def test_accepted_transfer_moves_the_person_and_their_needs(web, offices):
    person_id, need_id, client_b = offices["person"], offices["need"], offices["client_b"]

    assert _request(web, person_id, offices["b"]).status_code == 302
    assert _office_of(person_id) == offices["a"]  # nothing moves before B accepts
    incoming = html(client_b.get("/persons"))
    assert "黄*华" in incoming
    assert "本人迁居水口镇" in incoming
    transfer_id = _transfer_id(incoming)
    assert 'action="/transfers/' not in html(web.get("/persons"))  # not incoming for A
    assert client_b.get(f"/persons/{person_id}").status_code == 404

    accepted = client_b.post(f"/transfers/{transfer_id}", data={"accept": "1", "note": "已接收"})

    assert accepted.status_code == 302
    assert _office_of(person_id) == offices["b"]
    assert client_b.get(f"/persons/{person_id}").status_code == 200
    assert client_b.get(f"/needs/{need_id}").status_code == 200
    assert web.get(f"/persons/{person_id}").status_code == 404
    assert web.get(f"/needs/{need_id}").status_code == 404
    assert f'href="/persons/{person_id}"' not in html(web.get("/persons"))
    history = html(client_b.get(f"/persons/{person_id}"))
    assert f"{offices['a_name']} → {offices['b_name']} (accepted)" in history
    [requested] = audit_events(AuditAction.PERSON_TRANSFER_REQUEST, person_id)
    assert (requested.office_id, requested.detail) == (
        offices["a"],
        {"to_office": offices["b"], "transfer": transfer_id},
    )
    [event] = audit_events(AuditAction.PERSON_TRANSFER_ACCEPT, person_id)
    assert (event.office_id, event.detail["transfer"]) == (offices["b"], transfer_id)
    assert requested.actor_id != event.actor_id  # A asked, B decided


def test_rejected_transfer_leaves_the_person_where_they_were(web, offices):
    person_id, client_b = offices["person"], offices["client_b"]
    _request(web, person_id, offices["b"])
    transfer_id = _transfer_id(html(client_b.get("/persons")))

    client_b.post(f"/transfers/{transfer_id}", data={"reject": "1", "note": "不在辖区"})

    assert _office_of(person_id) == offices["a"]
    assert web.get(f"/persons/{person_id}").status_code == 200
    assert client_b.get(f"/persons/{person_id}").status_code == 404
    assert "(rejected)" in html(web.get(f"/persons/{person_id}"))
    [rejected] = audit_events(AuditAction.PERSON_TRANSFER_REJECT, person_id)
    assert (rejected.actor_id, rejected.detail) == (offices["b_officer"], {"transfer": transfer_id})


def test_only_the_receiving_office_decides(web, offices):
    person_id = offices["person"]
    _request(web, person_id, offices["b"])
    transfer_id = db.session.scalar(db.select(PersonTransfer.id))

    # The sending office cannot accept its own request.
    response = web.post(f"/transfers/{transfer_id}", data={"accept": "1"})

    assert response.status_code == 404
    db.session.expire_all()
    transfer = db.session.get_one(PersonTransfer, transfer_id)
    assert transfer.status == TransferStatus.PENDING
    assert _office_of(person_id) == offices["a"]


def test_an_office_cannot_transfer_someone_elses_person(web, offices):
    person_id, client_b = offices["person"], offices["client_b"]

    response = _request(client_b, person_id, offices["b"])

    assert response.status_code == 404
    assert db.session.scalar(db.select(PersonTransfer.id)) is None
