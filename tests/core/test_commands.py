from datetime import timedelta

from sqlalchemy import func, select, text

from core.audit_actions import AuditAction
from core.db import db
from core.needs.models import Need, NeedCategory, NeedStatus
from core.orgs import OrgUnit, UnitKind
from core.people import retention
from core.people import services as people
from core.people.models import Person
from core.timeutil import local_today
from core.users import Role, User, verify_password
from portal.demo.seed import DEMO_STAFF, demo_usernames_present
from tests.factories import audit_events, make_need, make_person, make_unit, make_user


def test_anonymise_ended_keeps_statistics_and_removes_identity(ctx):
    office = make_unit(town="龙胜镇")
    officer = make_user(Role.OFFICER, office)
    old = make_person(officer, office, name="陈旧案")
    recent = make_person(officer, office, name="陈新案")
    need = make_need(officer, old, amount_fen=88_800, category="housing")
    retention.end_case(officer, old.id, local_today() - timedelta(days=6 * 365 + 2))
    retention.end_case(officer, recent.id, local_today() - timedelta(days=30))
    birth_year = old.birth_date.year

    result = ctx.test_cli_runner().invoke(args=["anonymise-ended", "--older-than", "5"])
    assert result.exit_code == 0, result.output
    assert "anonymised 1 people" in result.output
    [run] = audit_events(AuditAction.PERSON_ANONYMISE)
    assert (run.actor_id, run.actor_label, run.detail) == (
        None,
        "anonymise-ended",
        {"count": 1, "older_than_years": 5},
    )

    db.session.expire_all()
    gone = db.session.get_one(Person, old.id)
    assert gone.name is None and gone.id_number is None and gone.phone is None
    assert gone.name_bidx is None and gone.id_number_bidx is None
    assert gone.anonymised_at is not None
    assert (gone.birth_date.year, gone.town, gone.kind) == (birth_year, "龙胜镇", "correction")
    kept_need = db.session.get_one(Need, need.id)
    assert kept_need.story is None
    assert (kept_need.category, kept_need.amount_fen) == ("housing", 88_800)
    assert db.session.get_one(Person, recent.id).name == "陈新案"
    assert people.search_people(officer, people.PersonFilter(q="陈旧案")).total == 0


def test_audit_verify_command_fails_on_tampering(ctx):
    runner = ctx.test_cli_runner()
    make_user(Role.ADMIN)  # writes an audit event
    ok = runner.invoke(args=["audit-verify"])
    assert ok.exit_code == 0, ok.output
    assert "intact" in ok.output
    db.session.execute(text("UPDATE audit_event SET action = 'nothing.happened'"))
    bad = runner.invoke(args=["audit-verify"])
    assert bad.exit_code == 1
    assert "BROKEN" in bad.output


def test_create_user_command(ctx):
    office = make_unit(town="百合镇")
    result = ctx.test_cli_runner().invoke(
        args=[
            "create-user",
            "--username",
            "new-officer",
            "--display-name",
            "新同事",
            "--role",
            "officer",
            "--scope",
            office.code,
        ],
        input="a-long-password\na-long-password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "new-officer"))
    assert user is not None and user.scope_unit_id == office.id
    assert verify_password(user, "a-long-password")
    refused = ctx.test_cli_runner().invoke(
        args=["create-user", "--username", "x", "--display-name", "X", "--role", "officer"],
        input="short\nshort\n",
    )
    assert refused.exit_code != 0


def test_seed_demo_builds_kaiping(ctx):
    result = ctx.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    offices = db.session.scalars(select(OrgUnit).where(OrgUnit.kind == UnitKind.OFFICE)).all()
    assert len(offices) == 15 and len({o.town for o in offices}) == 15
    usernames = set(db.session.scalars(select(User.username)))
    assert {
        "admin",
        "finance",
        "finance-2",
        "auditor",
        "coordinator",
        "social-worker",
        "trainer",
        "officer-chikan",
        "officer-sanbu",
    } <= usernames
    count = db.session.scalar(select(func.count()).select_from(Person)) or 0
    assert 180 <= count <= 230
    assert (db.session.scalar(select(func.count()).where(Person.is_minor.is_(True))) or 0) >= 3
    categories = set(db.session.scalars(select(Need.category).distinct()))
    assert categories == {c.value for c in NeedCategory}
    published = db.session.scalars(select(Need).where(Need.status == NeedStatus.PUBLISHED)).all()
    assert published and not any(n.person.is_minor for n in published)
    again = ctx.test_cli_runner().invoke(args=["seed-demo"])
    assert "already has data" in again.output
    # `make run` seeds on every start: on a seeded database it says nothing.
    quiet = ctx.test_cli_runner().invoke(args=["seed-demo", "--quiet"])
    assert (quiet.exit_code, quiet.output) == (0, "")
    assert demo_usernames_present() == [username for username, *_ in DEMO_STAFF]
