from datetime import timedelta

import pytest
from sqlalchemy import select, text

from core.audit import AuditEvent
from core.audit_actions import AuditAction
from core.crypto import Keyring, install_keyring, keyring
from core.db import db
from core.errors import Conflict, NotFound, ValidationFailed
from core.people import retention, transfers
from core.people import services as people
from core.people.models import Person
from core.rotation import rotate_batch, stale_person_ids
from core.timeutil import local_today
from core.users import Role
from tests.conftest import TEST_KEYS
from tests.factories import (
    audit_events,
    audit_trail,
    make_person,
    make_unit,
    make_user,
    rewrite_person,
)


@pytest.fixture()
def office(ctx):
    return make_unit()


@pytest.fixture()
def officer(office):
    return make_user(Role.OFFICER, office)


def test_identity_is_encrypted_at_rest(officer, office):
    person = make_person(officer, office, name="黄伟明", phone="13987654321")
    assert person.id_number is not None
    raw = db.session.execute(
        text("SELECT name, id_number, phone, address FROM person WHERE id = :id"),
        {"id": person.id},
    ).one()
    assert all(value.startswith(f"{keyring().current_id}:") for value in raw)
    joined = " ".join(raw)
    assert "黄伟明" not in joined and person.id_number not in joined and "13987654321" not in joined
    db.session.expire_all()
    assert db.session.get_one(Person, person.id).name == "黄伟明"


def test_ciphertext_moved_to_another_column_does_not_decrypt(officer, office):
    person = make_person(officer, office)
    db.session.execute(text("UPDATE person SET phone = name WHERE id = :id"), {"id": person.id})
    db.session.expire_all()
    with pytest.raises(Exception):  # noqa: B017 - AES-GCM's InvalidTag
        _ = db.session.get_one(Person, person.id).phone


def test_search_by_exact_name_id_and_phone(officer, office):
    person = make_person(officer, office, name="李志强", phone="13700001111")
    assert person.id_number is not None
    make_person(officer, office, name="李志强强", phone="13700002222")
    for query in ("李志强", person.id_number, "137 0000 1111", "137-0000-1111"):
        page = people.search_people(officer, people.PersonFilter(q=query))
        assert [p.id for p in page.items] == [person.id], query
    assert people.search_people(officer, people.PersonFilter(q="李志")).total == 0


def test_second_registration_of_same_id_number_is_refused(officer, office):
    person = make_person(officer, office)
    assert person.id_number is not None
    other_office = make_unit(town="赤水镇")
    other_officer = make_user(Role.OFFICER, other_office)
    data = people.PersonInput(
        name="别人",
        id_number=person.id_number.lower(),
        office_id=other_office.id,
        kind="resettlement",
        sex="male",
        birth_date=person.birth_date,
        release_date=local_today() - timedelta(days=3),
    )
    before = db.session.scalar(select(db.func.count()).select_from(Person))
    with pytest.raises(Conflict):
        people.register_person(other_officer, data)
    db.session.rollback()
    assert db.session.scalar(select(db.func.count()).select_from(Person)) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id_number": "440783198503141235"}, "id_number"),
        ({"birth_date": local_today() + timedelta(days=1)}, "birth_date"),
        ({"name": "  "}, "name"),
        ({"phone": "12345"}, "phone"),
        ({"term_start": None}, "term_start"),
    ],
)
def test_invalid_person_is_refused_and_nothing_saved(officer, office, change, field):
    before = db.session.scalar(select(db.func.count()).select_from(Person))
    with pytest.raises(ValidationFailed) as raised:
        make_person(officer, office, **change)
    assert raised.value.field == field
    db.session.rollback()
    assert db.session.scalar(select(db.func.count()).select_from(Person)) == before


def test_officer_cannot_see_other_office_person(officer, office):
    other_office = make_unit(town="赤水镇")
    stranger = make_person(make_user(Role.OFFICER, other_office), other_office)
    with pytest.raises(NotFound):
        people.get_person(officer, stranger.id)
    with pytest.raises(NotFound):
        people.reveal_field(officer, stranger.id, "name")


def test_minor_visible_only_with_juvenile_permission(officer, office):
    admin = make_user(Role.ADMIN)
    minor = make_person(admin, office, minor=True)
    assert minor.is_minor
    with pytest.raises(NotFound):
        people.get_person(officer, minor.id)
    assert people.get_person(make_user(Role.OFFICER, office, juvenile=True), minor.id)
    assert people.get_person(make_user(Role.AUDITOR), minor.id)


def test_minor_once_stays_minor_after_date_correction(office):
    admin = make_user(Role.ADMIN)
    minor = make_person(admin, office, minor=True)
    data = people.PersonInput(
        name=minor.name or "",
        id_number=minor.id_number or "",
        office_id=office.id,
        kind="correction",
        sex="male",
        birth_date=minor.birth_date,
        correction_type="probation",
        term_start=minor.birth_date + timedelta(days=20 * 365),
    )
    assert people.update_person(admin, minor.id, data).is_minor


def test_reveal_is_audited(officer, office):
    person = make_person(officer, office)
    assert people.reveal_field(officer, person.id, "phone") == "13812345678"
    event = db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == "person.reveal")
        .order_by(AuditEvent.id.desc())
    )
    assert event is not None
    assert event.object_id == str(person.id) and event.detail == {"field": "phone"}
    assert event.actor_id == officer.id


def test_finance_cannot_reveal_or_see_people(office):
    finance = make_user(Role.FINANCE)
    person = make_person(make_user(Role.ADMIN), office)
    with pytest.raises(NotFound):
        people.reveal_field(finance, person.id, "name")


def test_key_rotation_reencrypts_and_search_still_works(officer, office):
    old_ring = keyring()
    person = make_person(officer, office, name="关家豪", phone="13600003333")
    new_spec = Keyring.new_key_spec("rot2")
    old_spec = TEST_KEYS["FIELD_KEYS"]
    install_keyring(Keyring.from_spec(f"{new_spec},{old_spec}"))
    try:
        # Before rotation, search must still find the row indexed under the old key.
        assert people.search_people(officer, people.PersonFilter(q="关家豪")).total == 1
        assert person.id in stale_person_ids(1000)
        rotated = 0
        while batch := rotate_batch(2):
            rotated += batch
        assert rotated >= 1
        assert stale_person_ids(1000) == []
        batches = audit_events(AuditAction.CRYPTO_ROTATE_BATCH)
        assert sum(batch.detail["count"] for batch in batches) == rotated
        assert {(b.actor_label, b.detail["key_id"]) for b in batches} == {("rotate-key", "rot2")}
        raw = db.session.execute(
            text("SELECT name FROM person WHERE id = :id"), {"id": person.id}
        ).scalar_one()
        assert raw.startswith("rot2:")
        # The old key can now be dropped: data and search work with the new key alone.
        install_keyring(Keyring.from_spec(new_spec))
        db.session.expire_all()
        assert db.session.get_one(Person, person.id).name == "关家豪"
        assert people.search_people(officer, people.PersonFilter(q="13600003333")).total == 1
    finally:
        install_keyring(old_ring)


def test_transfer_moves_person_and_keeps_history(officer, office):
    person = make_person(officer, office)
    other_office = make_unit(town="赤水镇")
    receiver = make_user(Role.OFFICER, other_office)
    transfer = transfers.request_transfer(officer, person.id, other_office.id, "搬迁")
    assert [t.id for t in transfers.incoming_transfers(receiver)] == [transfer.id]
    with pytest.raises(NotFound):
        transfers.decide_transfer(officer, transfer.id, accept=True)
    transfers.decide_transfer(receiver, transfer.id, accept=True)
    assert people.get_person(receiver, person.id).office_id == other_office.id
    with pytest.raises(NotFound):
        people.get_person(officer, person.id)
    assert [t.status for t in transfers.transfers_of(person)] == ["accepted"]


def test_editing_and_ending_a_case_are_on_the_record_with_what_changed(officer, office):
    person = make_person(officer, office)
    rewrite_person(officer, person, phone="13900001111")
    retention.end_case(officer, person.id, local_today())

    assert audit_trail("person", person.id) == [
        (AuditAction.PERSON_CREATE, officer.id),
        (AuditAction.PERSON_UPDATE, officer.id),
        (AuditAction.PERSON_END, officer.id),
    ]
    [update] = audit_events(AuditAction.PERSON_UPDATE, person.id)
    assert (update.office_id, update.detail) == (office.id, {"fields": ["phone"]})
