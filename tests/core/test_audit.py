import pytest
from flask_babel import force_locale
from sqlalchemy import select, text

from core import audit
from core.audit import Actor, AuditEvent
from core.audit_actions import ACTION_LABELS, AuditAction, action_label
from core.db import db

KEY = b"test-audit-key"


@pytest.fixture()
def sealed(ctx):
    for n in range(5):
        audit.record(Actor(None, "tester"), AuditAction.PERSON_VIEW, "person", n, note=f"n{n}")
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
    audit.record(Actor(None, "tester"), AuditAction.AUDIT_VIEW)
    db.session.commit()
    assert audit.seal_pending(KEY) == 1
    assert audit.verify_chain(KEY).ok


def test_an_action_outside_the_list_is_refused(ctx):
    with pytest.raises(ValueError, match=r"person\.peek"):
        audit.record(Actor(None, "tester"), "person.peek", "person", 1)  # type: ignore[arg-type]
    db.session.flush()
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "person.peek")) is None


def test_a_listed_code_given_as_text_is_stored_as_its_action(ctx):
    event = audit.record(Actor(None, "tester"), "person.view", "person", 1)  # type: ignore[arg-type]
    assert event.action == AuditAction.PERSON_VIEW.value


def test_every_action_has_a_label_of_its_own(app):
    # In a request of its own, in English: whatever ran before, labels resolve the same.
    with app.test_request_context(), force_locale("en"):
        labels = [str(ACTION_LABELS[action]) for action in AuditAction]
        published = action_label("need.publish")
    assert len(set(labels)) == len(AuditAction)
    assert published == "Need published"
    # An entry written by an older release under a code since retired still shows.
    assert action_label("need.retired_code") == "need.retired_code"


def test_filter_matches_a_listed_action_exactly_and_other_text_as_a_prefix(ctx):
    actor = Actor(None, "filter-tester")
    for action in (
        AuditAction.NEED_PUBLISH,
        AuditAction.NEED_PUBLISHED,
        AuditAction.NEED_PUBLISH_REFUSED,
        AuditAction.PERSON_VIEW,
    ):
        audit.record(actor, action, "thing", 1)
    db.session.flush()

    def actions(code: str) -> list[str]:
        items, _ = audit.list_events(audit.AuditFilter(action=code, actor="filter-tester"))
        return sorted(event.action for event in items)

    assert actions("need.publish") == ["need.publish"]
    assert actions("need.") == ["need.publish", "need.publish_refused", "need.published"]
    assert actions("") == [
        "need.publish",
        "need.publish_refused",
        "need.published",
        "person.view",
    ]
