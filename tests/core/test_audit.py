import pytest
from sqlalchemy import select, text

from core import audit
from core.audit import Actor, AuditEvent
from core.db import db

KEY = b"test-audit-key"


@pytest.fixture()
def sealed(ctx):
    for n in range(5):
        audit.record(Actor(None, "tester"), "test.event", "thing", n, note=f"n{n}")
    db.session.commit()
    audit.seal_all(KEY)
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))


def test_chain_verifies_when_untouched(sealed):
    report = audit.verify_chain(KEY)
    assert report.ok, report.problems
    assert report.checked == len(sealed)
    assert [e.seq for e in sealed] == list(range(1, len(sealed) + 1))


def test_edited_entry_is_caught(sealed):
    target = sealed[2]
    db.session.execute(
        text("UPDATE audit_event SET actor_label = 'someone-else' WHERE id = :id"),
        {"id": target.id},
    )
    db.session.expire_all()
    report = audit.verify_chain(KEY)
    assert any(f"entry {target.seq}" in p and "edited" in p for p in report.problems)


def test_deleted_entry_is_caught(sealed):
    db.session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": sealed[1].id})
    db.session.expire_all()
    report = audit.verify_chain(KEY)
    assert not report.ok
    assert any("gap" in p for p in report.problems)


def test_cut_off_tail_is_caught(sealed):
    db.session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": sealed[-1].id})
    db.session.expire_all()
    report = audit.verify_chain(KEY)
    assert any("removed from the end" in p for p in report.problems)


def test_wrong_key_fails_verification(sealed):
    assert not audit.verify_chain(b"another key").ok


def test_new_entries_extend_the_chain(sealed):
    audit.record(Actor(None, "tester"), "test.later")
    db.session.commit()
    assert audit.seal_pending(KEY) == 1
    assert audit.verify_chain(KEY).ok
