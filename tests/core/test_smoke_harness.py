from core.orgs import OrgUnit
from tests.factories import make_unit


def test_rolled_back_between_tests_part_one(ctx):
    make_unit(town="harness-town")
    assert ctx is not None


def test_rolled_back_between_tests_part_two(ctx):
    from sqlalchemy import select

    from core.db import db

    assert db.session.scalar(select(OrgUnit).where(OrgUnit.town == "harness-town")) is None
